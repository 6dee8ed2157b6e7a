variable "functions" {
  description = "Functions released through CodeDeploy, by key: the function's name, the alias its callers invoke (compute output aliases) and the alarms that roll a release back (observability output function_alarm_names)."
  type = map(object({
    function_name = string
    alias_name    = string
    alarm_names   = list(string)
  }))

  validation {
    condition     = alltrue([for f in values(var.functions) : length(f.alarm_names) > 0])
    error_message = "Every function needs at least one alarm in alarm_names: a release with no alarm can never roll back on its own. Pass module.observability.function_alarm_names[<key>]."
  }
}

variable "deployment_config_name" {
  description = "How a release shifts traffic to a new version: one of CodeDeploy's predefined Lambda configurations. All at once in dev; a canary or linear shift where traffic matters."
  type        = string
  default     = "CodeDeployDefault.LambdaCanary10Percent5Minutes"

  validation {
    condition = contains([
      "CodeDeployDefault.LambdaAllAtOnce",
      "CodeDeployDefault.LambdaCanary10Percent5Minutes",
      "CodeDeployDefault.LambdaCanary10Percent10Minutes",
      "CodeDeployDefault.LambdaCanary10Percent15Minutes",
      "CodeDeployDefault.LambdaCanary10Percent30Minutes",
      "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
      "CodeDeployDefault.LambdaLinear10PercentEvery2Minutes",
      "CodeDeployDefault.LambdaLinear10PercentEvery3Minutes",
      "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes",
    ], var.deployment_config_name)
    error_message = "deployment_config_name must be a predefined CodeDeploy Lambda configuration, e.g. \"CodeDeployDefault.LambdaCanary10Percent5Minutes\" (10 % for 5 minutes, then all) or \"CodeDeployDefault.LambdaAllAtOnce\"."
  }
}
