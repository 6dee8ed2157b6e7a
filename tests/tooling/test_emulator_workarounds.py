"""Each emulator workaround: the bug still exists in unpatched moto (this fails once moto fixes it:
delete the workaround), and the patched emulator no longer shows it. Each moto setting the emulator
sets: still read by moto, still needed, and in effect."""

from __future__ import annotations

import contextlib
import io
import json
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import moto.settings
import pytest
import requests
from botocore.exceptions import ClientError
from moto import mock_aws
from smartstack_tooling.harness import emulator, roots
from smartstack_tooling.harness.emulator_workarounds import AWS_DEFAULT_RDS_CA, EMULATOR_SETTINGS, WORKAROUNDS

Client = Callable[[str], object]


def bucket_logging_to_a_bucket_with_principal_star(client: Client) -> bool:
    s3 = client("s3")
    s3.create_bucket(Bucket="access-log-target")
    s3.create_bucket(Bucket="source")
    objects = "arn:aws:s3:::access-log-target/*"
    statements = [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": objects,
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
         "Resource": objects},
    ]  # fmt: skip
    s3.put_bucket_policy(
        Bucket="access-log-target", Policy=json.dumps({"Version": "2012-10-17", "Statement": statements})
    )
    try:
        s3.put_bucket_logging(
            Bucket="source",
            BucketLoggingStatus={
                "LoggingEnabled": {"TargetBucket": "access-log-target", "TargetPrefix": "s/"}
            },
        )
    except (ClientError, AttributeError):
        return True
    return False


def bucket_logging_under_a_wildcard_resource(client: Client) -> bool:
    s3 = client("s3")
    s3.create_bucket(Bucket="access-log-target")
    s3.create_bucket(Bucket="source")
    statement = {"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
                 "Action": "s3:PutObject", "Resource": "arn:aws:s3:::access-log-target/s3/*"}  # fmt: skip
    s3.put_bucket_policy(
        Bucket="access-log-target", Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )
    try:
        s3.put_bucket_logging(
            Bucket="source",
            BucketLoggingStatus={
                "LoggingEnabled": {"TargetBucket": "access-log-target", "TargetPrefix": "s3/source/"}
            },
        )
    except ClientError as err:
        return err.response["Error"]["Code"] == "InvalidTargetBucketForLogging"
    return False


def logging_is_still_refused_without_a_grant(client: Client) -> bool:
    """Not a bug: the workaround must keep refusing a target bucket that grants the service nothing."""
    s3 = client("s3")
    s3.create_bucket(Bucket="access-log-target")
    s3.create_bucket(Bucket="source")
    try:
        s3.put_bucket_logging(
            Bucket="source",
            BucketLoggingStatus={
                "LoggingEnabled": {"TargetBucket": "access-log-target", "TargetPrefix": "s/"}
            },
        )
    except ClientError as err:
        return err.response["Error"]["Code"] == "InvalidTargetBucketForLogging"
    return False


def tls_only_deny_refuses_uploads(client: Client) -> bool:
    s3 = client("s3")
    s3.create_bucket(Bucket="tls-only")
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::tls-only/*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}  # fmt: skip
    s3.put_bucket_policy(Bucket="tls-only", Policy=json.dumps({"Version": "2012-10-17", "Statement": [deny]}))
    url = s3.generate_presigned_url("put_object", Params={"Bucket": "tls-only", "Key": "k"})
    return (
        requests.put(url, data=b"x", timeout=10).status_code == 403
    )  # requests: moto intercepts it in-process


def redrive_allow_policy_not_readable(client: Client) -> bool:
    sqs = client("sqs")
    url = sqs.create_queue(
        QueueName="dlq", Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "denyAll"})}
    )["QueueUrl"]
    try:
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedriveAllowPolicy"])
    except ClientError as err:
        return err.response["Error"]["Code"].endswith("InvalidAttributeName")
    # Readable: once cleared it must be absent, as in AWS (the provider's destroy waits for that).
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedriveAllowPolicy": ""})
    cleared = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return "RedriveAllowPolicy" in cleared


def set_attributes_wipes_policy(client: Client) -> bool:
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="tasks")["QueueUrl"]
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}  # fmt: skip
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "60"})
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return "Policy" not in attributes


def lifecycle_drops_newer_noncurrent_versions(client: Client) -> bool:
    s3 = client("s3")
    s3.create_bucket(Bucket="files")
    rule = {"ID": "old", "Status": "Enabled", "Filter": {},
            "NoncurrentVersionExpiration": {"NoncurrentDays": 30, "NewerNoncurrentVersions": 3}}  # fmt: skip
    s3.put_bucket_lifecycle_configuration(Bucket="files", LifecycleConfiguration={"Rules": [rule]})
    (read,) = s3.get_bucket_lifecycle_configuration(Bucket="files")["Rules"]
    return "NewerNoncurrentVersions" not in read["NoncurrentVersionExpiration"]


def _fails(call: Callable[[], Any]) -> bool:
    try:
        call()
    except (ClientError, NotImplementedError):
        return True
    return False


def application_cannot_be_deleted(client: Client) -> bool:
    codedeploy = _lambda_release_group(client)
    if _fails(lambda: codedeploy.delete_application(applicationName="functions")):
        return True
    gone = _fails(lambda: codedeploy.get_application(applicationName="functions"))
    return not gone or not _fails(
        lambda: codedeploy.get_deployment_group(applicationName="functions", deploymentGroupName="worker")
    )


def deployment_group_cannot_be_deleted(client: Client) -> bool:
    codedeploy = _lambda_release_group(client)
    if _fails(
        lambda: codedeploy.delete_deployment_group(applicationName="functions", deploymentGroupName="worker")
    ):
        return True
    still_there = not _fails(
        lambda: codedeploy.get_deployment_group(applicationName="functions", deploymentGroupName="worker")
    )
    return still_there or _fails(lambda: codedeploy.get_application(applicationName="functions"))


def _handler_zip(body: str = "return {}") -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr("handler.py", f"def handler(event, context):\n    {body}\n")
    return archive.getvalue()


def _aliased_function(client: Client) -> tuple[Any, dict]:
    role = client("iam").create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lambdas = client("lambda")
    lambdas.create_function(FunctionName="worker", Runtime="python3.12", Role=role, Handler="handler.handler",
                            Code={"ZipFile": _handler_zip()}, Publish=True)  # fmt: skip
    return lambdas, lambdas.create_alias(FunctionName="worker", Name="live", FunctionVersion="1")


def mapping_on_an_alias_reports_the_version(client: Client) -> bool:
    lambdas, alias = _aliased_function(client)
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="tasks")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    mapping = lambdas.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=alias["AliasArn"])
    return mapping["FunctionArn"] != alias["AliasArn"]


def invoking_a_version_by_arn_crashes(client: Client) -> bool:
    lambdas, alias = _aliased_function(client)
    version_arn = alias["AliasArn"].rsplit(":", 1)[0] + ":1"  # how moto's SQS delivery names the target
    try:
        lambdas.invoke(FunctionName=version_arn, Payload=b"{}")
    except ClientError as err:
        return err.response["ResponseMetadata"]["HTTPStatusCode"] >= 500
    except AttributeError:
        return True
    return False


def _lambda_release_group(client: Client, alarms: tuple[str, ...] = ()) -> Any:
    codedeploy = client("codedeploy")
    codedeploy.create_application(applicationName="functions", computePlatform="Lambda")
    codedeploy.create_deployment_group(
        applicationName="functions", deploymentGroupName="worker",
        serviceRoleArn="arn:aws:iam::123456789012:role/codedeploy",
        deploymentConfigName="CodeDeployDefault.LambdaAllAtOnce",
        deploymentStyle={"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"},
        alarmConfiguration={"enabled": True, "alarms": [{"name": name} for name in alarms]},
        autoRollbackConfiguration={"enabled": True, "events": ["DEPLOYMENT_STOP_ON_ALARM"]},
    )  # fmt: skip
    return codedeploy


def lambda_deployments_never_run(client: Client) -> bool:
    lambdas, _ = _aliased_function(client)
    lambdas.update_function_code(FunctionName="worker", ZipFile=_handler_zip("return {'v': 2}"), Publish=True)
    codedeploy = _lambda_release_group(client)
    properties = {"Name": "worker", "Alias": "live", "CurrentVersion": "1", "TargetVersion": "2"}
    appspec = {
        "version": 0.0,
        "Resources": [{"worker": {"Type": "AWS::Lambda::Function", "Properties": properties}}],
    }
    deployment = codedeploy.create_deployment(
        applicationName="functions", deploymentGroupName="worker",
        revision={"revisionType": "AppSpecContent", "appSpecContent": {"content": json.dumps(appspec)}},
    )["deploymentId"]  # fmt: skip
    for _ in range(50):
        if codedeploy.get_deployment(deploymentId=deployment)["deploymentInfo"]["status"] == "Succeeded":
            return lambdas.get_alias(FunctionName="worker", Name="live")["FunctionVersion"] != "2"
        time.sleep(0.1)
    return True


def group_alarms_answered_empty(client: Client) -> bool:
    codedeploy = _lambda_release_group(client, ("worker-errors",))
    group = codedeploy.get_deployment_group(applicationName="functions", deploymentGroupName="worker")
    return group["deploymentGroupInfo"].get("alarmConfiguration", {}).get("alarms") != [
        {"name": "worker-errors"}
    ]


def new_instances_get_a_ca_aws_never_uses(client: Client) -> bool:
    rds = client("rds")
    created = rds.create_db_instance(
        DBInstanceIdentifier="ca-default", DBInstanceClass="db.t4g.micro", Engine="postgres",
        MasterUsername="admin", MasterUserPassword="not-a-real-password", AllocatedStorage=20,
    )["DBInstance"]  # fmt: skip
    return created["CACertificateIdentifier"] != AWS_DEFAULT_RDS_CA


def zone_ids_lack_the_z_prefix(client: Client) -> bool:
    # moto's ids are random: one of them starts with "Z" now and then, eight in a row never.
    route53 = client("route53")
    zones = [
        route53.create_hosted_zone(Name=f"zone-id-{n}.example.org", CallerReference=f"zone-id-{n}")
        for n in range(8)
    ]
    return any(not zone["HostedZone"]["Id"].removeprefix("/hostedzone/").startswith("Z") for zone in zones)


def query_logging_needs_the_star_arn(client: Client) -> bool:
    logs, route53 = client("logs"), client("route53")
    logs.create_log_group(logGroupName="/aws/route53/query-log.example.org")
    zone = route53.create_hosted_zone(Name="query-log.example.org", CallerReference="query-log")
    zone_id = zone["HostedZone"]["Id"].removeprefix("/hostedzone/")
    arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/query-log.example.org"
    try:
        created = route53.create_query_logging_config(HostedZoneId=zone_id, CloudWatchLogsLogGroupArn=arn)
    except ClientError as err:
        return err.response["Error"]["Code"] == "NoSuchCloudWatchLogsLogGroup"
    read = route53.get_query_logging_config(Id=created["QueryLoggingConfig"]["Id"])
    return read["QueryLoggingConfig"]["CloudWatchLogsLogGroupArn"] != arn


def sending_enabled_is_not_a_bool(client: Client) -> bool:
    sesv2 = client("sesv2")
    sesv2.create_configuration_set(ConfigurationSetName="sending", SendingOptions={"SendingEnabled": True})
    raw = raw_json_of(sesv2, "before-parse.sesv2.GetConfigurationSet")
    sesv2.get_configuration_set(ConfigurationSetName="sending")
    return not isinstance(raw[0]["SendingOptions"]["SendingEnabled"], bool)


def raw_json_of(client: Any, event: str) -> list[dict]:
    """The JSON bodies of a JSON-protocol client's answers (botocore parses leniently; the provider not)."""
    raw: list[dict] = []
    client.meta.events.register(
        event, lambda response_dict, **_: raw.append(json.loads(response_dict["body"]))
    )
    return raw


def dkim_timestamp_is_a_string(client: Client) -> bool:
    sesv2 = client("sesv2")
    raw = raw_json_of(sesv2, "before-parse.sesv2.CreateEmailIdentity")
    sesv2.create_email_identity(
        EmailIdentity="stamp.example.org", DkimSigningAttributes={"NextSigningKeyLength": "RSA_2048_BIT"}
    )
    return not isinstance(raw[0]["DkimAttributes"].get("LastKeyGenerationTimestamp"), int | float)


def easy_dkim_has_no_tokens(client: Client) -> bool:
    sesv2 = client("sesv2")
    created = sesv2.create_email_identity(
        EmailIdentity="tokens.example.org", DkimSigningAttributes={"NextSigningKeyLength": "RSA_2048_BIT"}
    )
    return len(created["DkimAttributes"].get("Tokens", [])) != 3


def mail_from_attributes_missing(client: Client) -> bool:
    sesv2 = client("sesv2")
    sesv2.create_email_identity(EmailIdentity="mail-from.example.org")
    try:
        sesv2.put_email_identity_mail_from_attributes(
            EmailIdentity="mail-from.example.org",
            MailFromDomain="mail.mail-from.example.org",
            BehaviorOnMxFailure="USE_DEFAULT_VALUE",
        )
    except (ClientError, NotImplementedError):
        return True
    read = sesv2.get_email_identity(EmailIdentity="mail-from.example.org")["MailFromAttributes"]
    return (
        read["MailFromDomain"] != "mail.mail-from.example.org"
        or read["BehaviorOnMxFailure"] != "USE_DEFAULT_VALUE"
    )


def response_headers_policies_missing(client: Client) -> bool:
    cloudfront = client("cloudfront")
    hsts = {"Override": True, "AccessControlMaxAgeSec": 31536000, "IncludeSubdomains": True}
    headers = {"ContentTypeOptions": {"Override": True}, "StrictTransportSecurity": hsts}
    config = {"Name": "security-headers", "SecurityHeadersConfig": headers}
    try:
        created = cloudfront.create_response_headers_policy(ResponseHeadersPolicyConfig=config)
    except ClientError:
        return True
    policy_id, etag = created["ResponseHeadersPolicy"]["Id"], created["ETag"]
    read = cloudfront.get_response_headers_policy(Id=policy_id)
    assert read["ResponseHeadersPolicy"]["ResponseHeadersPolicyConfig"]["Name"] == "security-headers"
    with pytest.raises(ClientError, match="PreconditionFailed"):
        cloudfront.delete_response_headers_policy(Id=policy_id, IfMatch="stale")
    cloudfront.delete_response_headers_policy(Id=policy_id, IfMatch=etag)
    with pytest.raises(ClientError, match="NoSuchResponseHeadersPolicy"):
        cloudfront.get_response_headers_policy(Id=policy_id)
    return False


def cloudfront_functions_cannot_be_published(client: Client) -> bool:
    cloudfront = client("cloudfront")
    config = {"Comment": "clean URLs", "Runtime": "cloudfront-js-2.0"}
    code = b"function handler(event) { return event.request; }"
    created = cloudfront.create_function(Name="clean-urls", FunctionConfig=config, FunctionCode=code)
    try:
        cloudfront.publish_function(Name="clean-urls", IfMatch=created["ETag"])
    except ClientError:
        return True
    with pytest.raises(ClientError, match="PreconditionFailed"):
        cloudfront.update_function(
            Name="clean-urls", IfMatch="stale", FunctionConfig=config, FunctionCode=code
        )
    updated = cloudfront.update_function(
        Name="clean-urls", IfMatch=created["ETag"], FunctionConfig=config, FunctionCode=code + b"\n"
    )
    cloudfront.publish_function(Name="clean-urls", IfMatch=updated["ETag"])
    described = cloudfront.describe_function(Name="clean-urls")
    assert described["FunctionSummary"]["FunctionMetadata"]["Stage"] == "LIVE"
    assert cloudfront.get_function(Name="clean-urls")["FunctionCode"].read() == code + b"\n"
    return False


def ses_endpoint_service_unknown(client: Client) -> bool:
    try:
        client("ec2").describe_vpc_endpoint_services(ServiceNames=["com.amazonaws.us-east-1.email"])
    except ClientError as err:
        return err.response["Error"]["Code"] == "InvalidServiceName"
    return False


def revoking_a_gone_rule_id_is_the_wrong_error(client: Client) -> bool:
    """What aws_default_security_group meets when a default rule is already gone."""
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    filters = [{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}]
    group = ec2.describe_security_groups(Filters=filters)["SecurityGroups"][0]["GroupId"]
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group]}])
    egress = next(r["SecurityGroupRuleId"] for r in rules["SecurityGroupRules"] if r["IsEgress"])
    ec2.revoke_security_group_egress(GroupId=group, SecurityGroupRuleIds=[egress])
    try:
        ec2.revoke_security_group_egress(GroupId=group, SecurityGroupRuleIds=[egress])
    except ClientError as err:
        return err.response["Error"]["Code"] != "InvalidSecurityGroupRuleId.NotFound"
    return True  # AWS refuses an unknown id; accepting it would be a different bug


def rotating_a_secret_without_a_value_fails(client: Client) -> bool:
    """What aws_secretsmanager_secret_rotation does to a generated key before set-secrets gives it one."""
    lambdas, _ = _aliased_function(client)
    function_arn = lambdas.get_function(FunctionName="worker", Qualifier="1")["Configuration"]["FunctionArn"]
    secrets = client("secretsmanager")
    secrets.create_secret(Name="generated/key")
    try:
        secrets.rotate_secret(
            SecretId="generated/key", RotationLambdaARN=function_arn,
            RotationRules={"AutomaticallyAfterDays": 30}, RotateImmediately=False,
        )  # fmt: skip
    except (ClientError, UnboundLocalError):
        return True
    described = secrets.describe_secret(SecretId="generated/key")
    return not described.get("RotationEnabled") or described.get("RotationLambdaARN") != function_arn


def authorizer_drops_its_validation_expression(client: Client) -> bool:
    apigateway = client("apigateway")
    api = apigateway.create_rest_api(name="api")["id"]
    created = apigateway.create_authorizer(
        restApiId=api, name="bearer", type="TOKEN", identitySource="method.request.header.Authorization",
        identityValidationExpression="^Bearer [-0-9A-Za-z._~+/]+=*$",
        authorizerUri="arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/x/invocations",
    )  # fmt: skip
    read = apigateway.get_authorizer(restApiId=api, authorizerId=created["id"])
    return read.get("identityValidationExpression") != "^Bearer [-0-9A-Za-z._~+/]+=*$"


def lambda_logging_config_is_dropped(client: Client) -> bool:
    role = client("iam").create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lambdas = client("lambda")
    logging = {"LogFormat": "JSON", "LogGroup": "/smartstack/worker", "ApplicationLogLevel": "WARN",
               "SystemLogLevel": "WARN"}  # fmt: skip
    lambdas.create_function(FunctionName="worker", Runtime="python3.12", Role=role, Handler="handler.handler",
                            Code={"ZipFile": _handler_zip()}, LoggingConfig=logging)  # fmt: skip
    return lambdas.get_function_configuration(FunctionName="worker").get("LoggingConfig") != logging


def referencing_rules_lose_their_description(client: Client) -> bool:
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    app = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    db = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
    permission = {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
                  "UserIdGroupPairs": [{"GroupId": app, "Description": "PostgreSQL from app"}]}  # fmt: skip
    (rule,) = ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[permission])[
        "SecurityGroupRules"
    ]
    rules = ec2.describe_security_group_rules(SecurityGroupRuleIds=[rule["SecurityGroupRuleId"]])
    return rules["SecurityGroupRules"][0].get("Description") != "PostgreSQL from app"


def rds_drops_network_type_and_performance_insights(client: Client) -> bool:
    rds = client("rds")
    created = rds.create_db_instance(
        DBInstanceIdentifier="insights", DBInstanceClass="db.t4g.micro", Engine="postgres",
        MasterUsername="admin", MasterUserPassword="not-a-real-password", AllocatedStorage=20,
        NetworkType="IPV4", EnablePerformanceInsights=True, PerformanceInsightsRetentionPeriod=7,
        PerformanceInsightsKMSKeyId="arn:aws:kms:us-east-1:123456789012:key/insights",
    )["DBInstance"]  # fmt: skip
    (read,) = rds.describe_db_instances(DBInstanceIdentifier="insights")["DBInstances"]
    return any(
        (answer.get("NetworkType"), answer.get("PerformanceInsightsEnabled"),
         answer.get("PerformanceInsightsRetentionPeriod"), answer.get("PerformanceInsightsKMSKeyId"))
        != ("IPV4", True, 7, "arn:aws:kms:us-east-1:123456789012:key/insights")
        for answer in (created, read)
    )  # fmt: skip


def logging_key_format_not_answered(client: Client) -> bool:
    s3 = client("s3")
    s3.create_bucket(Bucket="access-log-target")
    s3.create_bucket(Bucket="source")
    statement = {"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
                 "Action": "s3:PutObject", "Resource": "arn:aws:s3:::access-log-target/s/*"}  # fmt: skip
    s3.put_bucket_policy(
        Bucket="access-log-target", Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )
    key_format = {"PartitionedPrefix": {"PartitionDateSource": "EventTime"}}
    s3.put_bucket_logging(
        Bucket="source",
        BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": "access-log-target", "TargetPrefix": "s/", "TargetObjectKeyFormat": key_format}},
    )  # fmt: skip
    read = s3.get_bucket_logging(Bucket="source")["LoggingEnabled"]
    return read.get("TargetObjectKeyFormat") != key_format


def key_rotation_period_ignored(client: Client) -> bool:
    kms = client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=key, RotationPeriodInDays=180)
    return kms.get_key_rotation_status(KeyId=key).get("RotationPeriodInDays") != 180


def identity_tags_not_under_its_arn(client: Client) -> bool:
    sesv2 = client("sesv2")
    sesv2.create_email_identity(EmailIdentity="tags.example.org", Tags=[{"Key": "Tier", "Value": "email"}])
    arn = "arn:aws:ses:us-east-1:123456789012:identity/tags.example.org"  # as AWS and the provider name it
    return sesv2.list_tags_for_resource(ResourceArn=arn)["Tags"] != [{"Key": "Tier", "Value": "email"}]


def distribution_config_not_answered_as_sent(client: Client) -> bool:
    cloudfront = client("cloudfront")
    function = cloudfront.create_function(
        Name="clean-urls", FunctionConfig={"Comment": "c", "Runtime": "cloudfront-js-2.0"},
        FunctionCode=b"function handler(event) { return event.request; }",
    )["FunctionSummary"]["FunctionMetadata"]["FunctionARN"]  # fmt: skip
    associations = {"Quantity": 1, "Items": [{"FunctionARN": function, "EventType": "viewer-request"}]}
    certificate = "arn:aws:acm:us-east-1:123456789012:certificate/web"
    config = {
        "CallerReference": "web", "Comment": "web", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{
            "Id": "web", "DomainName": "web.s3.us-east-1.amazonaws.com", "OriginAccessControlId": "E2OAC",
            "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {
            "TargetOriginId": "web", "ViewerProtocolPolicy": "redirect-to-https",
            "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6", "FunctionAssociations": associations},
        "ViewerCertificate": {"ACMCertificateArn": certificate, "SSLSupportMethod": "sni-only",
                              "MinimumProtocolVersion": "TLSv1.2_2021"},
    }  # fmt: skip
    created = cloudfront.create_distribution(DistributionConfig=config)["Distribution"]
    read = cloudfront.get_distribution(Id=created["Id"])["Distribution"]["DistributionConfig"]
    behaviour, (origin,) = read["DefaultCacheBehavior"], read["Origins"]["Items"]
    return (
        behaviour.get("FunctionAssociations") != associations
        or "ForwardedValues" in behaviour
        or origin.get("OriginAccessControlId") != "E2OAC"
        or read["ViewerCertificate"].get("CloudFrontDefaultCertificate") is not False
    )


def configuration_set_answers_unset_options(client: Client) -> bool:
    sesv2 = client("sesv2")
    sesv2.create_configuration_set(ConfigurationSetName="plain")
    raw = raw_json_of(sesv2, "before-parse.sesv2.GetConfigurationSet")
    sesv2.get_configuration_set(ConfigurationSetName="plain")
    return "TrackingOptions" in raw[0] or "VdmOptions" in raw[0]


def redrive_policy_not_compact(client: Client) -> bool:
    sqs = client("sqs")
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5}, separators=(",", ":"))
    url = sqs.create_queue(QueueName="tasks", Attributes={"RedrivePolicy": policy})["QueueUrl"]
    read = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])["Attributes"]
    return read["RedrivePolicy"] != policy


def user_parameters_lack_a_source(client: Client) -> bool:
    rds = client("rds")
    rds.create_db_parameter_group(
        DBParameterGroupName="tls", DBParameterGroupFamily="postgres17", Description="tls"
    )
    rds.modify_db_parameter_group(DBParameterGroupName="tls", Parameters=[
        {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}])  # fmt: skip
    (parameter,) = rds.describe_db_parameters(DBParameterGroupName="tls")["Parameters"]
    return parameter.get("Source") != "user"


def lambda_group_answers_a_load_balancer(client: Client) -> bool:
    codedeploy = _lambda_release_group(client)
    group = codedeploy.get_deployment_group(applicationName="functions", deploymentGroupName="worker")
    return "loadBalancerInfo" in group["deploymentGroupInfo"]


DNSSEC_KEY_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Admins", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
     "Action": "kms:*", "Resource": "*"},
    {"Sid": "Route53Dnssec", "Effect": "Allow", "Principal": {"Service": "dnssec-route53.amazonaws.com"},
     "Action": ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"], "Resource": "*"},
]}  # fmt: skip


def _signable_zone(client: Client) -> tuple[Any, str, str]:
    """A public zone and a KMS key Route 53 may sign it with (as modules/dns creates them)."""
    route53, kms = client("route53"), client("kms")
    zone = route53.create_hosted_zone(Name="signed.example.org", CallerReference="signed")
    key = kms.create_key(
        KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY", Policy=json.dumps(DNSSEC_KEY_POLICY)
    )
    return route53, zone["HostedZone"]["Id"].removeprefix("/hostedzone/"), key["KeyMetadata"]["Arn"]


def _add_ksk(route53: Any, zone_id: str, kms_arn: str, name: str = "ksk", status: str = "ACTIVE") -> dict:
    return route53.create_key_signing_key(
        CallerReference=name, HostedZoneId=zone_id, KeyManagementServiceArn=kms_arn, Name=name, Status=status
    )


def key_signing_keys_missing(client: Client) -> bool:
    route53, zone_id, kms_arn = _signable_zone(client)
    try:
        created = _add_ksk(route53, zone_id, kms_arn)
        route53.deactivate_key_signing_key(HostedZoneId=zone_id, Name="ksk")
        route53.activate_key_signing_key(HostedZoneId=zone_id, Name="ksk")
        route53.deactivate_key_signing_key(HostedZoneId=zone_id, Name="ksk")
        deleted = route53.delete_key_signing_key(HostedZoneId=zone_id, Name="ksk")
    except ClientError:
        return True
    return not (
        created["KeySigningKey"]["Status"] == "ACTIVE" and deleted["ChangeInfo"]["Status"] == "INSYNC"
    )


def zone_signing_missing(client: Client) -> bool:
    route53, zone_id, kms_arn = _signable_zone(client)
    with contextlib.suppress(ClientError):
        _add_ksk(route53, zone_id, kms_arn)
    try:
        enabled = route53.enable_hosted_zone_dnssec(HostedZoneId=zone_id)
        disabled = route53.disable_hosted_zone_dnssec(HostedZoneId=zone_id)
    except ClientError:
        return True
    return {enabled["ChangeInfo"]["Status"], disabled["ChangeInfo"]["Status"]} != {"INSYNC"}


def dnssec_state_not_answered(client: Client) -> bool:
    route53, zone_id, kms_arn = _signable_zone(client)
    with contextlib.suppress(ClientError):
        _add_ksk(route53, zone_id, kms_arn)
        route53.enable_hosted_zone_dnssec(HostedZoneId=zone_id)
    answer = route53.get_dnssec(HostedZoneId=zone_id)
    keys = [k["Name"] for k in answer.get("KeySigningKeys", []) if k["Status"] == "ACTIVE"]
    return answer["Status"]["ServeSignature"] != "SIGNING" or keys != ["ksk"]


REPRODUCTIONS: dict[str, Callable[[Client], bool]] = {
    "ec2-ses-endpoint-service": ses_endpoint_service_unknown,
    "ec2-revoke-unknown-rule-id": revoking_a_gone_rule_id_is_the_wrong_error,
    "s3-bucket-policy-tls-condition": tls_only_deny_refuses_uploads,
    "s3-logging-principal-star": bucket_logging_to_a_bucket_with_principal_star,
    "s3-logging-resource-wildcard": bucket_logging_under_a_wildcard_resource,
    "sqs-redrive-allow-policy-readable": redrive_allow_policy_not_readable,
    "sqs-set-attributes-keeps-policy": set_attributes_wipes_policy,
    "s3-lifecycle-newer-noncurrent-versions": lifecycle_drops_newer_noncurrent_versions,
    "codedeploy-delete-application": application_cannot_be_deleted,
    "codedeploy-delete-deployment-group": deployment_group_cannot_be_deleted,
    "lambda-alias-event-source-mapping-arn": mapping_on_an_alias_reports_the_version,
    "lambda-version-invoke-crashes": invoking_a_version_by_arn_crashes,
    "codedeploy-lambda-deployments-run": lambda_deployments_never_run,
    "codedeploy-group-alarm-configuration": group_alarms_answered_empty,
    "rds-default-ca-identifier": new_instances_get_a_ca_aws_never_uses,
    "route53-zone-ids-start-with-z": zone_ids_lack_the_z_prefix,
    "route53-query-logging-plain-log-group-arn": query_logging_needs_the_star_arn,
    "sesv2-configuration-set-sending-enabled": sending_enabled_is_not_a_bool,
    "sesv2-dkim-timestamp-epoch": dkim_timestamp_is_a_string,
    "sesv2-easy-dkim-tokens": easy_dkim_has_no_tokens,
    "sesv2-mail-from-attributes": mail_from_attributes_missing,
    "cloudfront-response-headers-policies": response_headers_policies_missing,
    "cloudfront-functions-publish-and-update": cloudfront_functions_cannot_be_published,
    "secretsmanager-rotate-secret-without-value": rotating_a_secret_without_a_value_fails,
    "apigateway-authorizer-identity-validation-expression": authorizer_drops_its_validation_expression,
    "lambda-logging-config": lambda_logging_config_is_dropped,
    "ec2-rule-description-of-referencing-rules": referencing_rules_lose_their_description,
    "rds-network-type-and-performance-insights": rds_drops_network_type_and_performance_insights,
    "s3-logging-target-object-key-format": logging_key_format_not_answered,
    "kms-rotation-period-in-days": key_rotation_period_ignored,
    "sesv2-identity-tags-arn": identity_tags_not_under_its_arn,
    "cloudfront-distribution-config-as-sent": distribution_config_not_answered_as_sent,
    "sesv2-configuration-set-unset-options": configuration_set_answers_unset_options,
    "sqs-redrive-policy-compact-json": redrive_policy_not_compact,
    "rds-user-parameter-source": user_parameters_lack_a_source,
    "codedeploy-group-empty-load-balancer-info": lambda_group_answers_a_load_balancer,
    "route53-key-signing-keys": key_signing_keys_missing,
    "route53-hosted-zone-dnssec": zone_signing_missing,
    "route53-get-dnssec-state": dnssec_state_not_answered,
}
CREDENTIALS = {
    "region_name": "us-east-1",
    "aws_access_key_id": roots.LOCAL_ACCESS_KEY,
    "aws_secret_access_key": roots.LOCAL_SECRET_KEY,
}


def test_every_workaround_has_a_reproduction_and_its_facts():
    assert {w.id for w in WORKAROUNDS} == set(REPRODUCTIONS)
    for workaround in WORKAROUNDS:
        assert workaround.moto_version and ":" in workaround.api and workaround.bug


@pytest.mark.parametrize("workaround", WORKAROUNDS, ids=lambda w: w.id)
def test_the_bug_still_exists_in_unpatched_moto(workaround):
    in_process = {**CREDENTIALS, "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    with mock_aws():
        present = REPRODUCTIONS[workaround.id](lambda service: boto3.client(service, **in_process))
    assert present, (
        f"moto fixed {workaround.api} ({workaround.bug}): delete workaround {workaround.id!r} "
        "from smartstack_tooling/harness/emulator_workarounds.py and this reproduction"
    )


@pytest.fixture(scope="module")
def patched_emulator() -> Iterator[emulator.Emulator]:
    running = emulator.start("123456789012")
    yield running
    running.stop()


@pytest.mark.parametrize("workaround", WORKAROUNDS, ids=lambda w: w.id)
def test_the_patched_emulator_does_not_show_the_bug(workaround, patched_emulator):
    patched_emulator.reset()
    client = lambda service: boto3.client(service, endpoint_url=patched_emulator.url, **CREDENTIALS)  # noqa: E731
    assert not REPRODUCTIONS[workaround.id](client)


def test_the_patched_emulator_still_refuses_logging_without_a_grant(patched_emulator):
    patched_emulator.reset()
    client = lambda service: boto3.client(service, endpoint_url=patched_emulator.url, **CREDENTIALS)  # noqa: E731
    assert logging_is_still_refused_without_a_grant(client)


def test_the_emulator_answers_as_the_account_it_was_started_for(patched_emulator):
    sts = boto3.client("sts", endpoint_url=patched_emulator.url, **CREDENTIALS)
    assert sts.get_caller_identity()["Account"] == "123456789012"


def test_a_resent_response_headers_policy_create_is_answered_like_the_first(patched_emulator):
    """A create the SDK resends (same configuration, moments later) gets the first answer; another
    configuration under the same name is still refused, as CloudFront does."""
    patched_emulator.reset()
    cloudfront = boto3.client("cloudfront", endpoint_url=patched_emulator.url, **CREDENTIALS)
    config = {"Name": "security", "Comment": "c", "SecurityHeadersConfig": {
        "ContentTypeOptions": {"Override": True}}}  # fmt: skip
    first = cloudfront.create_response_headers_policy(ResponseHeadersPolicyConfig=config)
    again = cloudfront.create_response_headers_policy(ResponseHeadersPolicyConfig=config)
    assert again["ResponseHeadersPolicy"]["Id"] == first["ResponseHeadersPolicy"]["Id"]
    with pytest.raises(ClientError, match="ResponseHeadersPolicyAlreadyExists"):
        cloudfront.create_response_headers_policy(ResponseHeadersPolicyConfig={**config, "Comment": "other"})


def a_new_dns_certificate(client: Client) -> dict:
    """A certificate as aws_acm_certificate_validation first reads it, right after the request."""
    acm = client("acm")
    arn = acm.request_certificate(
        DomainName="issued.example.org", SubjectAlternativeNames=["www.issued.example.org"],
        ValidationMethod="DNS",
    )["CertificateArn"]  # fmt: skip
    return acm.describe_certificate(CertificateArn=arn)["Certificate"]


def test_every_emulator_setting_is_one_moto_reads():
    """A renamed setting would be silently ignored: each name must still be read by moto's settings."""
    source = Path(moto.settings.__file__).read_text()
    for name in EMULATOR_SETTINGS:
        assert f'"{name}"' in source, f"moto no longer reads {name}: drop or rename it in EMULATOR_SETTINGS"


def test_unconfigured_moto_still_delays_certificates():
    """Why MOTO_ACM_VALIDATION_WAIT is set: by default moto answers PENDING_VALIDATION for a minute."""
    in_process = {**CREDENTIALS, "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    with mock_aws():
        certificate = a_new_dns_certificate(lambda service: boto3.client(service, **in_process))
    assert certificate["Status"] == "PENDING_VALIDATION", "moto issues at once: drop MOTO_ACM_VALIDATION_WAIT"


def test_the_emulator_issues_a_certificate_at_the_first_describe(patched_emulator):
    """MOTO_ACM_VALIDATION_WAIT=0 takes effect, and the DNS validation records are still answered (the
    product creates them in Route 53 before it waits for the certificate)."""
    patched_emulator.reset()
    client = lambda service: boto3.client(service, endpoint_url=patched_emulator.url, **CREDENTIALS)  # noqa: E731
    certificate = a_new_dns_certificate(client)
    assert certificate["Status"] == "ISSUED"
    options = certificate["DomainValidationOptions"]
    assert {o["DomainName"] for o in options} == {"issued.example.org", "www.issued.example.org"}
    assert all(o["ResourceRecord"]["Type"] == "CNAME" and o["ValidationStatus"] == "SUCCESS" for o in options)


def test_the_emulator_refuses_dnssec_requests_route53_would_refuse(patched_emulator):
    """The 4xx answers the provider meets on AWS: a key Route 53 may not use, a KSK still in use or
    still active, signing without an active KSK, a duplicate, a third KSK, a KSK that does not exist."""
    patched_emulator.reset()
    client = lambda service: boto3.client(service, endpoint_url=patched_emulator.url, **CREDENTIALS)  # noqa: E731
    route53, zone_id, kms_arn = _signable_zone(client)
    symmetric = client("kms").create_key()["KeyMetadata"]["Arn"]

    def refused(call: Callable[[], Any]) -> str:
        with pytest.raises(ClientError) as raised:
            call()
        assert 400 <= raised.value.response["ResponseMetadata"]["HTTPStatusCode"] < 500
        return raised.value.response["Error"]["Code"]

    assert refused(lambda: _add_ksk(route53, zone_id, symmetric)) == "InvalidKMSArn"
    assert refused(lambda: _add_ksk(route53, zone_id, kms_arn, name="has-dash")) == "InvalidKeySigningKeyName"
    assert refused(lambda: route53.enable_hosted_zone_dnssec(HostedZoneId=zone_id)) == (
        "KeySigningKeyWithActiveStatusNotFound"
    )
    _add_ksk(route53, zone_id, kms_arn)
    assert refused(lambda: _add_ksk(route53, zone_id, kms_arn)) == "KeySigningKeyAlreadyExists"
    route53.enable_hosted_zone_dnssec(HostedZoneId=zone_id)
    deactivate = lambda: route53.deactivate_key_signing_key(HostedZoneId=zone_id, Name="ksk")  # noqa: E731
    assert refused(deactivate) == "KeySigningKeyInUse"
    delete = lambda: route53.delete_key_signing_key(HostedZoneId=zone_id, Name="ksk")  # noqa: E731
    assert refused(delete) == "InvalidKeySigningKeyStatus"
    _add_ksk(route53, zone_id, kms_arn, name="ksk_next", status="INACTIVE")
    assert refused(lambda: _add_ksk(route53, zone_id, kms_arn, name="ksk_third")) == "TooManyKeySigningKeys"
    missing = lambda: route53.activate_key_signing_key(HostedZoneId=zone_id, Name="nope")  # noqa: E731
    assert refused(missing) == "NoSuchKeySigningKey"
    assert refused(lambda: route53.get_dnssec(HostedZoneId="Z0000000000NOZONE")) == "NoSuchHostedZone"


def test_the_emulated_ds_record_is_the_kms_keys_public_key(patched_emulator):
    """The DS record a parent zone would publish is derived from the KMS key's public key (RFC 4034):
    the DNSKEY carries the key's P-256 point, the digest covers the zone name and that DNSKEY."""
    import base64
    import hashlib

    from cryptography.hazmat.primitives.serialization import load_der_public_key

    patched_emulator.reset()
    client = lambda service: boto3.client(service, endpoint_url=patched_emulator.url, **CREDENTIALS)  # noqa: E731
    route53, zone_id, kms_arn = _signable_zone(client)
    ksk = _add_ksk(route53, zone_id, kms_arn)["KeySigningKey"]
    point = load_der_public_key(client("kms").get_public_key(KeyId=kms_arn)["PublicKey"]).public_numbers()
    public_key = point.x.to_bytes(32, "big") + point.y.to_bytes(32, "big")
    assert ksk["PublicKey"] == base64.b64encode(public_key).decode()
    rdata = (257).to_bytes(2, "big") + bytes([3, 13]) + public_key
    owner = b"".join(bytes([len(label)]) + label.encode() for label in ("signed", "example", "org")) + b"\0"
    digest = hashlib.sha256(owner + rdata).hexdigest().upper()
    assert ksk["DSRecord"] == f"{ksk['KeyTag']} 13 2 {digest}"
    assert ksk["DNSKEYRecord"] == f"257 3 13 {ksk['PublicKey']}"
