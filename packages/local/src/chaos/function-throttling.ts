import { type ApplicationFaultSource, functionThrottlingParameters } from "@cloudcafe/core";

export const FUNCTION_THROTTLING_FAULT = "lambda-throttling";

/** Whether `functionName` is throttled by the lambda-throttling fault in force (its `functions` parameter lists it). */
export async function functionThrottled(faults: ApplicationFaultSource, functionName: string): Promise<boolean> {
  const fault = await faults.active(FUNCTION_THROTTLING_FAULT);
  if (!fault) return false;
  const { functions } = functionThrottlingParameters.parse(fault.parameters);
  return functions.split(",").map((name) => name.trim()).includes(functionName);
}
