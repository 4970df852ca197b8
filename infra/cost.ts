/**
 * The architecture's budget (~$30-40/day): a daily budget notifying the alarm topic at 80% and 100% of actual spend,
 * and a monthly one (30 days of it) at 100% of forecast spend, since AWS Budgets forecasts monthly, quarterly and
 * annual budgets only ("Creating a cost budget").
 */
import { stageName } from "./naming.ts";
import type { StageSettings } from "./stage.ts";

export const FORECAST_DAYS = 30;

export function budgets(settings: StageSettings, alarmTopic: aws.sns.Topic) {
  new aws.sns.TopicPolicy("AlarmTopicAcceptsBudgets", {
    arn: alarmTopic.arn,
    policy: $jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "BudgetsPublish",
          Effect: "Allow",
          Principal: { Service: "budgets.amazonaws.com" },
          Action: "sns:Publish",
          Resource: alarmTopic.arn,
        },
        {
          Sid: "CloudWatchPublishes",
          Effect: "Allow",
          Principal: { Service: "cloudwatch.amazonaws.com" },
          Action: "sns:Publish",
          Resource: alarmTopic.arn,
        },
      ],
    }),
  });
  const alert = (notificationType: "ACTUAL" | "FORECASTED", threshold: number) => ({
    comparisonOperator: "GREATER_THAN",
    threshold,
    thresholdType: "PERCENTAGE",
    notificationType,
    subscriberSnsTopicArns: [alarmTopic.arn],
  });
  const daily = new aws.budgets.Budget("DailyBudget", {
    name: stageName("daily"),
    budgetType: "COST",
    timeUnit: "DAILY",
    limitAmount: settings.dailyBudgetUsd.toFixed(2),
    limitUnit: "USD",
    notifications: [alert("ACTUAL", 80), alert("ACTUAL", 100)],
  });
  const monthly = new aws.budgets.Budget("MonthlyBudget", {
    name: stageName("monthly"),
    budgetType: "COST",
    timeUnit: "MONTHLY",
    limitAmount: (settings.dailyBudgetUsd * FORECAST_DAYS).toFixed(2),
    limitUnit: "USD",
    notifications: [alert("FORECASTED", 100)],
  });
  return { daily, monthly };
}
