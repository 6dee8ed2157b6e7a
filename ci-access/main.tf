# CI access: GitHub's OIDC provider and the two roles the workflows assume in one environment's account
# (.github/workflows/ci.yml, deploy.yml, deploy-env.yml): no stored AWS keys anywhere. Run once per
# account, after state-backend/, with `make ci-access ENV=<env>`; see README.md.
locals {
  partition   = data.aws_partition.current.partition
  github_host = "token.actions.githubusercontent.com"
  audience    = "sts.amazonaws.com" # what aws-actions/configure-aws-credentials asks GitHub for

  # Written out rather than read from the resource, so the trust policies are known at plan and the
  # policy rules (tooling/smartstack_tooling/policy/rules_ci_access.py) read them. The roles depend on
  # the provider, so it exists before they trust it.
  oidc_provider_arn = coalesce(
    var.existing_oidc_provider_arn,
    "arn:${local.partition}:iam::${var.account_id}:oidc-provider/${local.github_host}",
  )

  # GitHub's OIDC subjects (`sub`), exact: no wildcard in owner, name or ref.
  repository = "repo:${var.github_repository}"
  subjects = {
    # ci.yml on pull_request, and deploy-env.yml's plan job on main, which runs without an environment.
    plan = ["${local.repository}:pull_request", "${local.repository}:ref:refs/heads/main"]
    # deploy-env.yml's apply job, which runs in the GitHub environment named like this one: its
    # deployment branch policy (main only) and prod's required reviewers gate every token of this subject.
    deploy = ["${local.repository}:environment:${var.environment}"]
  }

  # The environment's state (envs/<env>/versions.tf's backend key) and its S3-native lock object.
  state_bucket_arn     = "arn:${local.partition}:s3:::${var.state_bucket}"
  state_object_arn     = "${local.state_bucket_arn}/smartstack/${var.environment}/terraform.tfstate"
  state_lock_arn       = "${local.state_object_arn}.tflock"
  ci_access_state_arn  = "${local.state_bucket_arn}/smartstack/ci-access/terraform.tfstate" # this root's own
  state_logs_bucket    = "smartstack-${var.environment}-tfstate-logs-${var.account_id}"     # state-backend's
  state_logs_arn       = "arn:${local.partition}:s3:::${local.state_logs_bucket}"
  state_key_alias      = "alias/smartstack-${var.environment}-tfstate" # state-backend's alias of the state key
  state_key_alias_arn  = "arn:${local.partition}:kms:${var.region}:${var.account_id}:${local.state_key_alias}"
  keys_of_this_account = "arn:${local.partition}:kms:${var.region}:${var.account_id}:key/*"

  # Every role the environment's modules create is named smartstack-<env>-... on the path "/". The CI roles
  # live on their own path, so no pattern here ever matches them: the deploy role cannot edit itself.
  workload_roles = "arn:${local.partition}:iam::${var.account_id}:role/smartstack-${var.environment}-*"
  ci_role_path   = "/github-actions/"

  # The services the modules pass their roles to (each role's trust principal in the env plans).
  workload_role_services = [
    "apigateway.amazonaws.com",     # modules/api: API Gateway's CloudWatch logging role
    "codedeploy.amazonaws.com",     # modules/release: CodeDeploy shifting the functions' aliases
    "lambda.amazonaws.com",         # modules/compute: the functions' execution roles
    "monitoring.rds.amazonaws.com", # modules/data: RDS enhanced monitoring
    "vpc-flow-logs.amazonaws.com",  # modules/network: VPC flow log delivery
  ]

  tags = {
    Environment = var.environment
    Service     = "smartstack"
    Purpose     = "ci-access"
    ManagedBy   = "terraform"
  }
}

provider "aws" {
  region              = var.region
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = local.tags
  }
}

data "aws_partition" "current" {}

# ===========================================================================
# GitHub's OIDC provider: STS accepts GitHub's tokens for this account when their audience is
# sts.amazonaws.com. No thumbprint: AWS verifies GitHub's certificate against its trusted CAs.
# ===========================================================================
resource "aws_iam_openid_connect_provider" "github" {
  count = var.existing_oidc_provider_arn == null ? 1 : 0

  url            = "https://${local.github_host}"
  client_id_list = [local.audience]
}

# ===========================================================================
# The plan role: read-only, for every plan CI makes (pull requests, and the deploy's plan job on main).
# ===========================================================================
resource "aws_iam_role" "plan" {
  name                 = "smartstack-ci-${var.environment}-plan"
  path                 = local.ci_role_path
  description          = "GitHub Actions of ${var.github_repository}: read-only plans of ${var.environment} (pull requests, main)"
  max_session_duration = 3600 # the plan jobs' timeout-minutes is 30

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "GitHubActionsPlans"
      Effect    = "Allow"
      Principal = { Federated = local.oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "${local.github_host}:aud" = local.audience
          "${local.github_host}:sub" = local.subjects.plan
        }
      }
    }]
  })

  depends_on = [aws_iam_openid_connect_provider.github]
}

# ReadOnlyAccess rather than a hand-written list: Terraform's refresh reads every attribute of ~80
# resource types across some 20 services, and a list would break plans at each provider release that reads
# one more. It grants no write; the inline policy below denies the data it would also read.
resource "aws_iam_role_policy_attachment" "plan_read_only" {
  role       = aws_iam_role.plan.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_role_policy" "plan_state" {
  name = "terraform-state-and-no-data-reads"
  role = aws_iam_role.plan.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          # Terraform's S3 backend lists the bucket for workspaces and the state's versions.
          Sid      = "ListTheStateBucket"
          Effect   = "Allow"
          Action   = "s3:ListBucket"
          Resource = local.state_bucket_arn
        },
        {
          # Reading the state is what a plan compares the configuration with; writing it is the deploy's.
          Sid      = "ReadTheState"
          Effect   = "Allow"
          Action   = "s3:GetObject"
          Resource = local.state_object_arn
        },
        {
          # S3-native locking (use_lockfile): a plan creates <key>.tflock, reads it back and deletes it.
          Sid      = "TakeTheStateLock"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
          Resource = local.state_lock_arn
        },
        {
          # ReadOnlyAccess reads data too: objects of every bucket (users' files), queue messages (a
          # receive hides them from the worker), log events, database logs. A plan needs none of them,
          # and a pull request's workflow must not reach them: only the state and its lock stay readable.
          Sid    = "NoDataReadsButTheState"
          Effect = "Deny"
          Action = [
            "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes",
            "sqs:ReceiveMessage",
            "secretsmanager:GetSecretValue",
            "logs:GetLogEvents", "logs:FilterLogEvents", "logs:GetLogRecord", "logs:StartQuery",
            "logs:StartLiveTail",
            "rds:DownloadDBLogFilePortion", "rds:DownloadCompleteDBLogFile",
          ]
          NotResource = [local.state_object_arn, local.state_lock_arn]
        },
      ],
      [for statement in [
        {
          # The state and its lock are SSE-KMS with state-backend's key: decrypt to read, a data key to
          # write the lock. Only that key (by its alias), and only through S3, as the key policy also says.
          Sid      = "TheStateKeyThroughS3"
          Effect   = "Allow"
          Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
          Resource = local.keys_of_this_account
          Condition = {
            StringEquals               = { "kms:ViaService" = "s3.${var.region}.amazonaws.com" }
            "ForAnyValue:StringEquals" = { "kms:ResourceAliases" = local.state_key_alias }
          }
        },
      ] : statement if var.state_kms_encryption],
    )
  })
}

# ===========================================================================
# The deploy role: `make deploy-apply` of this environment, from its GitHub environment only.
# ===========================================================================
resource "aws_iam_role" "deploy" {
  name                 = "smartstack-ci-${var.environment}-deploy"
  path                 = local.ci_role_path
  description          = "GitHub Actions of ${var.github_repository}, environment ${var.environment}: make deploy-apply"
  max_session_duration = 5400 # the apply job's timeout-minutes is 90 (canaries): ask for up to as long

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "GitHubActionsDeploysOfThisEnvironment"
      Effect    = "Allow"
      Principal = { Federated = local.oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "${local.github_host}:aud" = local.audience
          "${local.github_host}:sub" = local.subjects.deploy
        }
      }
    }]
  })

  depends_on = [aws_iam_openid_connect_provider.github]
}

# PowerUserAccess: everything but IAM, Organizations and Account management. `make apply` creates and
# updates ~80 resource types across some 20 services and then runs the deploy steps (secrets, migrate,
# publish the site, CodeDeploy releases); least privilege per action is a project of its own (README.md).
# What it leaves out that an apply needs, IAM, the inline policy below grants for this environment only.
resource "aws_iam_role_policy_attachment" "deploy_power_user" {
  role       = aws_iam_role.deploy.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/PowerUserAccess"
}

resource "aws_iam_role_policy" "deploy_iam_and_state_guard" {
  name = "environment-roles-and-state-guard"
  role = aws_iam_role.deploy.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          # The modules' roles (smartstack-<env>-*): create, read, change, delete them and their inline
          # policies. Not the CI roles: they are on their own path, which this pattern cannot match.
          Sid    = "ManageTheEnvironmentsRoles"
          Effect = "Allow"
          Action = [
            "iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateRole", "iam:UpdateRoleDescription",
            "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:ListRoleTags",
            "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
            "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole",
          ]
          Resource = local.workload_roles
        },
        {
          # Managed policies only from the reviewed list (what the modules attach), so the deploy role can
          # never attach AdministratorAccess to a role it then passes to a function.
          Sid      = "AttachOnlyTheReviewedManagedPolicies"
          Effect   = "Allow"
          Action   = ["iam:AttachRolePolicy", "iam:DetachRolePolicy"]
          Resource = local.workload_roles
          Condition = {
            ArnEquals = {
              "iam:PolicyARN" = [for policy in var.attachable_managed_policies : "arn:${local.partition}:iam::aws:policy/${policy}"]
            }
          }
        },
        {
          # A function, CodeDeploy, API Gateway, RDS monitoring or flow logs gets its role from the deploy:
          # only the environment's roles, and only to the service each is made for.
          Sid      = "PassTheEnvironmentsRolesToTheirServices"
          Effect   = "Allow"
          Action   = "iam:PassRole"
          Resource = local.workload_roles
          Condition = {
            StringEquals = { "iam:PassedToService" = local.workload_role_services }
          }
        },
        {
          # PowerUserAccess could reconfigure or delete the state bucket and its access-log bucket; only
          # state-backend/ (a person, `make state-backend`) manages them.
          Sid    = "KeepTheStateBucketsAsStateBackendMadeThem"
          Effect = "Deny"
          Action = [
            "s3:DeleteBucket", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketVersioning",
            "s3:PutLifecycleConfiguration", "s3:PutEncryptionConfiguration", "s3:PutBucketPublicAccessBlock",
            "s3:PutBucketOwnershipControls", "s3:PutBucketLogging", "s3:PutBucketAcl",
          ]
          Resource = [local.state_bucket_arn, local.state_logs_arn]
        },
        {
          # The state's history (old versions roll a bad write back) and the audit trail of who touched it.
          # Terraform deletes only its lock object, which leaves a delete marker, never a version.
          Sid      = "KeepTheStateHistoryAndItsAccessLogs"
          Effect   = "Deny"
          Action   = "s3:DeleteObjectVersion"
          Resource = ["${local.state_bucket_arn}/*", "${local.state_logs_arn}/*"]
        },
        {
          # A delete marker on the state would hide it; the access logs are the audit trail.
          Sid      = "KeepTheStateObjectAndItsAccessLogs"
          Effect   = "Deny"
          Action   = "s3:DeleteObject"
          Resource = [local.state_object_arn, "${local.state_logs_arn}/*"]
        },
        {
          # This root's own state (it defines the deploy role): changed by a person's `make ci-access` only.
          Sid      = "LeaveTheCiAccessStateAlone"
          Effect   = "Deny"
          Action   = ["s3:PutObject", "s3:DeleteObject"]
          Resource = [local.ci_access_state_arn, "${local.ci_access_state_arn}.tflock"]
        },
      ],
      [for statement in [
        {
          # PowerUserAccess could disable or delete the state key (the state would be lost) or rewrite its
          # policy; the environment's own keys stay the deploy's to manage.
          Sid    = "KeepTheStateKey"
          Effect = "Deny"
          Action = [
            "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy", "kms:DisableKeyRotation",
            "kms:UpdateKeyDescription",
          ]
          Resource  = local.keys_of_this_account
          Condition = { "ForAnyValue:StringEquals" = { "kms:ResourceAliases" = local.state_key_alias } }
        },
        {
          # Without its alias the key would escape the statement above.
          Sid      = "KeepTheStateKeysAlias"
          Effect   = "Deny"
          Action   = ["kms:DeleteAlias", "kms:UpdateAlias", "kms:CreateAlias"]
          Resource = local.state_key_alias_arn
        },
      ] : statement if var.state_kms_encryption],
    )
  })
}
