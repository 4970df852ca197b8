/** The daily budget of the architecture (~$30-40/day): notify the alarm topic at 80% forecast and 100% actual. */
import { stageName } from "./naming.ts";
import type { StageSettings } from "./stage.ts";

export function dailyBudget(settings: StageSettings, alarmTopic: aws.sns.Topic) {
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
  return new aws.budgets.Budget("DailyBudget", {
    name: stageName("daily"),
    budgetType: "COST",
    timeUnit: "DAILY",
    limitAmount: settings.dailyBudgetUsd.toFixed(2),
    limitUnit: "USD",
    notifications: [
      { comparisonOperator: "GREATER_THAN", threshold: 80, thresholdType: "PERCENTAGE", notificationType: "FORECASTED", subscriberSnsTopicArns: [alarmTopic.arn] },
      { comparisonOperator: "GREATER_THAN", threshold: 100, thresholdType: "PERCENTAGE", notificationType: "ACTUAL", subscriberSnsTopicArns: [alarmTopic.arn] },
    ],
  });
}
