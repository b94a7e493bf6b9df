/**
 * The only IAM actions this library grants on `Resource: *`, each because AWS
 * offers no resource-level permission for it.
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
 */
export const WILDCARD_RESOURCE_ACTIONS: Readonly<Record<string, string>> = {
  'xray:PutTraceSegments': 'X-Ray tracing of handlers and workflows',
  'xray:PutTelemetryRecords': 'X-Ray tracing of handlers and workflows',
  'xray:GetSamplingRules': 'X-Ray tracing of workflows',
  'xray:GetSamplingTargets': 'X-Ray tracing of workflows',
  'logs:CreateLogDelivery': 'Step Functions execution logging',
  'logs:GetLogDelivery': 'Step Functions execution logging',
  'logs:UpdateLogDelivery': 'Step Functions execution logging',
  'logs:DeleteLogDelivery': 'Step Functions execution logging',
  'logs:ListLogDeliveries': 'Step Functions execution logging',
  'logs:PutResourcePolicy': 'Step Functions execution logging',
  'logs:DescribeResourcePolicies': 'Step Functions execution logging',
  'logs:DescribeLogGroups': 'Step Functions execution logging',
};
