"""Architecture diagram per environment, generated from the plan JSON (Graphviz DOT -> PNG/SVG).

Nothing is drawn from a fixed picture: every node is a resource (or group of resources) the plan creates,
placed in its tier, and every edge is evidence in the plan:

- Route 53 -> CloudFront / API Gateway: alias records in the module that holds the distribution / domain;
- CloudFront -> S3 web / API Gateway: the distribution's origins (custom origin on the API's custom
  domain; the S3 origin matched to its bucket);
- WAF -> CloudFront: a web ACL next to the distribution; API Gateway -> Lambda: `aws_lambda_permission`s
  for apigateway.amazonaws.com naming the function;
- Lambda -> RDS / S3 / SQS / SES / Secrets Manager / Parameter Store / Bedrock / another Lambda: the
  actions and resource ARNs of each function's IAM policy (plus `rds_connect` policies for IAM DB auth);
- SQS -> Lambda: an event source mapping and the consuming function's receive permission.

`make diagrams` writes build/diagrams/<env>.dot, .png and .svg (needs `dot`, Debian package graphviz).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..paths import BUILD, DOCS, PLANS, REPO
from ..planview import PlannedResource, PlanView
from ..profiles import ENVIRONMENTS

DIAGRAMS = BUILD / "diagrams"
GRAPHVIZ_HINT = "Graphviz's `dot` is missing: apt-get install -y graphviz (Debian) or brew install graphviz"

# Tier -> (cluster label, fill colour); the order is the drawing order.
TIERS: dict[str, tuple[str, str]] = {
    "edge": ("Edge: DNS, CDN, API", "#E8F5E9"),
    "public": ("Public subnets", "#F1F8E9"),
    "app": ("App subnets (private): Lambda", "#E3F2FD"),
    "data": ("Data subnets (private): RDS", "#E8EAF6"),
    "endpoints": ("Interface endpoints", "#F5F5F5"),
    "storage": ("Storage", "#EDE7F6"),
    "messaging": ("Messaging", "#FFF8E1"),
    "security": ("Secrets, configuration, keys", "#FBE9E7"),
    "services": ("AWS AI and email services", "#ECEFF1"),
    "observability": ("Observability", "#FCE4EC"),
}
VPC_TIERS = ("public", "app", "data", "endpoints")
COLOURS = {  # the seed's legend
    "network": "#4CAF50",
    "compute": "#146EB4",
    "db": "#336791",
    "storage": "#3F51B5",
    "external": "#999999",
    "infra": "#EC7211",
}


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    tier: str
    kind: str  # colour class from the seed's legend


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str


@dataclass
class Graph:
    env: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    vpc_label: str = ""

    def add(self, node: Node) -> None:
        self.nodes[node.id] = node

    def connect(self, source: str, target: str, label: str) -> None:
        if (
            source in self.nodes
            and target in self.nodes
            and all((e.source, e.target) != (source, target) for e in self.edges)
        ):
            self.edges.append(Edge(source, target, label))


def _statements(policy: Any) -> list[dict[str, Any]]:
    if not isinstance(policy, str):
        return []
    try:
        statements = json.loads(policy).get("Statement", [])
    except ValueError:
        return []
    return statements if isinstance(statements, list) else [statements]


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


@dataclass
class _Drawing:
    """What the steps of `build` share: the graph so far, the plan's resources by type, and the lookups
    from names in the plan to node ids that the edges need."""

    g: Graph
    of: Any  # PlanView.of_type
    env: str
    functions: dict[str, str] = field(default_factory=dict)  # function name -> node id
    function_nodes: dict[str, str] = field(default_factory=dict)  # function key (for_each key) -> node id
    buckets: dict[str, str] = field(default_factory=dict)  # bucket name -> node id
    queues: dict[str, str] = field(default_factory=dict)  # queue name -> node id
    api_domains: list[Any] = field(default_factory=list)
    policies: list[tuple[PlannedResource, list[dict[str, Any]]]] = field(default_factory=list)

    def regional_acls(self) -> list[PlannedResource]:
        """Web ACLs of the API stage: drawn only when associated."""
        if not self.of("aws_wafv2_web_acl_association"):
            return []
        return [a for a in self.of("aws_wafv2_web_acl") if a.after.get("scope") == "REGIONAL"]

    def global_acls(self) -> list[PlannedResource]:
        return [a for a in self.of("aws_wafv2_web_acl") if a.after.get("scope") != "REGIONAL"]

    def interface_endpoints(self) -> list[PlannedResource]:
        return [e for e in self.of("aws_vpc_endpoint") if e.after.get("vpc_endpoint_type") == "Interface"]


def build(plan: dict[str, Any], env: str = "") -> Graph:
    """The graph of one plan: nodes from resources present, edges from evidence in the plan."""
    d = _Drawing(Graph(env), PlanView(plan).of_type, env)
    for step in (_edge_nodes, _network_nodes, _function_nodes, _data_nodes, _service_nodes):
        step(d)
    for step in (_edge_edges, _policy_edges, _queue_edges, _network_edges):
        step(d)
    return d.g


def _rules(acls: list[PlannedResource]) -> int:
    return sum(len(a.after.get("rule") or []) for a in acls)


def _edge_nodes(d: _Drawing) -> None:
    g, of = d.g, d.of
    g.add(Node("internet", "Internet", "", "external"))
    zones = of("aws_route53_zone")
    if zones:
        g.add(Node("route53", f"Route 53\\n{zones[0].after.get('name') or 'hosted zone'}", "edge", "network"))
    if of("aws_cloudfront_distribution"):
        g.add(Node("cloudfront", "CloudFront\\nCDN, OAC, security headers", "edge", "network"))
    if d.global_acls():
        g.add(Node("waf", f"WAF web ACL\\n{_rules(d.global_acls())} rule(s)", "edge", "network"))
    if d.regional_acls():
        g.add(
            Node(
                "waf_api", f"WAF web ACL (regional)\\n{_rules(d.regional_acls())} rule(s)", "edge", "network"
            )
        )
    d.api_domains = [domain.after.get("domain_name") for domain in of("aws_api_gateway_domain_name")]
    if of("aws_api_gateway_rest_api"):
        first = d.api_domains[0] if d.api_domains else None
        g.add(Node("apigw", "API Gateway (REST)" + (f"\\n{first}" if first else ""), "edge", "network"))


def _network_nodes(d: _Drawing) -> None:
    g, of = d.g, d.of
    vpcs = of("aws_vpc")
    if vpcs:
        g.vpc_label = f"VPC {vpcs[0].after.get('cidr_block') or ''}".strip()
    if of("aws_internet_gateway"):
        g.add(Node("igw", "Internet gateway", "public", "network"))
    nats = of("aws_nat_gateway")
    if nats:
        mode = "one per AZ" if len(nats) > 1 else "single, shared"
        g.add(Node("nat", f"NAT gateway x{len(nats)}\\n({mode})", "public", "network"))
    interface = d.interface_endpoints()
    if interface:
        services = sorted(str(e.after.get("service_name") or "").rsplit(".", 1)[-1] for e in interface)
        lines = "\\n".join(", ".join(services[i : i + 4]) for i in range(0, len(services), 4))
        g.add(Node("endpoints", f"{len(interface)} interface endpoints\\n{lines}", "endpoints", "network"))
    if any(e.after.get("vpc_endpoint_type") == "Gateway" for e in of("aws_vpc_endpoint")):
        g.add(Node("s3_gateway", "S3 gateway endpoint", "endpoints", "network"))


def _function_nodes(d: _Drawing) -> None:
    """One node per deployed application: functions that run the same zip (the API application's HTTP
    function and its queue consumer) are one container of the diagram."""
    members: dict[str, list[str]] = {}
    for fn in d.of("aws_lambda_function"):
        after = fn.after
        key = str(fn.index or fn.name)
        package = Path(after["filename"]).stem if isinstance(after.get("filename"), str) else key
        node_id = f"lambda_{package}".replace("-", "_")
        d.functions[after.get("function_name") or key] = node_id
        d.function_nodes[key] = node_id
        members.setdefault(node_id, []).append(key)
        arch = ",".join(after.get("architectures") or [])
        memory = f"{after['memory_size']} MB" if after.get("memory_size") else ""
        detail = ", ".join(x for x in (arch, memory) if x)
        label = "Lambda " + " + ".join(members[node_id]) + (f"\\n{detail}" if detail else "")
        d.g.add(Node(node_id, label, "app" if after.get("vpc_config") else "", "compute"))


_BUCKET_PURPOSES = {"web": "static site (Next.js)", "files": "attachments, AI logs", "logs": "access logs"}


def _bucket_key(bucket: PlannedResource) -> str:
    """web, files, logs: the bucket's own name in the plan, or, where modules/s3-bucket calls it ``this``,
    its module call's (module.storage.module.web_bucket: web)."""
    if bucket.index is not None:
        return str(bucket.index)
    if bucket.name != "this" or not bucket.module:
        return bucket.name
    return bucket.module.rsplit("module.", 1)[-1].split("[")[0].removesuffix("_bucket")


def _data_nodes(d: _Drawing) -> None:
    g, of = d.g, d.of
    for db in of("aws_db_instance"):
        after = db.after
        engine = {"postgres": "PostgreSQL"}.get(after.get("engine") or "", after.get("engine") or "")
        az = "Multi-AZ" if after.get("multi_az") else "Single-AZ"
        g.add(Node("rds", f"RDS {engine}\\n{after.get('instance_class') or ''} {az}".strip(), "data", "db"))
    for bucket in of("aws_s3_bucket"):
        key = _bucket_key(bucket)
        node_id = f"s3_{key}".replace("-", "_")
        d.buckets[bucket.after.get("bucket") or key] = node_id
        g.add(Node(node_id, f"S3 {key}\\n{_BUCKET_PURPOSES.get(key, '')}".strip(), "storage", "storage"))
    for queue in of("aws_sqs_queue"):
        name = queue.after.get("name") or queue.name
        node_id = f"sqs_{queue.name}"
        d.queues[name] = node_id
        label = name.removeprefix(f"smartstack-{d.env}-") if d.env else name
        g.add(Node(node_id, f"SQS {label}", "messaging", "network"))


def _service_nodes(d: _Drawing) -> None:
    g, of = d.g, d.of
    if of("aws_secretsmanager_secret") or _master_secret(d):
        g.add(Node("secrets", "Secrets Manager", "security", "external"))
    params = of("aws_ssm_parameter")
    if params:
        g.add(Node("ssm", f"Parameter Store\\n{len(params)} parameters", "security", "external"))
    keys = of("aws_kms_key")
    if keys:
        g.add(Node("kms", f"KMS keys x{len(keys)}", "security", "external"))
    if of("aws_sesv2_email_identity"):
        g.add(Node("ses", "Amazon SES", "services", "external"))
    d.policies = [(p, _statements(p.after.get("policy"))) for p in of("aws_iam_role_policy")]
    actions = (a for _, sts in d.policies for s in sts for a in _as_list(s.get("Action")))
    if any(a.startswith("bedrock:") for a in actions):
        g.add(Node("bedrock", "Amazon Bedrock", "services", "external"))
    alarms = of("aws_cloudwatch_metric_alarm")
    if alarms:
        g.add(Node("alarms", f"CloudWatch alarms x{len(alarms)}", "observability", "infra"))
    if of("aws_sns_topic"):
        g.add(Node("sns", "SNS alarm topic", "observability", "infra"))
    logs = of("aws_cloudwatch_log_group")
    if logs:
        g.add(Node("logs", f"CloudWatch log groups x{len(logs)}", "observability", "infra"))


def _master_secret(d: _Drawing) -> bool:
    return any(db.after.get("manage_master_user_password") for db in d.of("aws_db_instance"))


def _edge_edges(d: _Drawing) -> None:
    """DNS aliases, CloudFront's origins and logs, WAF, and API Gateway's invocations."""
    g, of = d.g, d.of
    g.connect("internet", "route53", "HTTPS (DNS)")
    dists = of("aws_cloudfront_distribution")
    dist_modules = {dist.module for dist in dists}
    api_modules = {domain.module for domain in of("aws_api_gateway_domain_name")}
    for record in of("aws_route53_record"):
        if record.after.get("alias"):
            if record.module in dist_modules:
                g.connect("route53", "cloudfront", "alias")
            if record.module in api_modules:
                g.connect("route53", "apigw", "alias api.")
    for dist in dists:
        _origin_edges(d, dist)
        if d.global_acls():
            g.connect("waf", "cloudfront", "protects")
        if dist.after.get("logging_config") or of("aws_cloudwatch_log_delivery"):
            logs_bucket = next((n for n in d.buckets if "-logs-" in n), "")
            g.connect("cloudfront", d.buckets.get(logs_bucket, ""), "access logs")
    if d.regional_acls():
        g.connect("waf_api", "apigw", "protects (stage)")
    for permission in of("aws_lambda_permission"):
        after = permission.after
        if after.get("principal") == "apigateway.amazonaws.com" and after.get("function_name") in d.functions:
            target = d.functions[after["function_name"]]
            g.connect("apigw", target, "authorizes" if "authorizer" in target else "invokes")


def _origin_edges(d: _Drawing, dist: PlannedResource) -> None:
    for origin in dist.after.get("origin") or []:
        if origin.get("custom_origin_config"):
            if origin.get("domain_name") in d.api_domains or "api" in str(origin.get("origin_id")):
                d.g.connect("cloudfront", "apigw", "/api/*")
            continue
        origin_id = str(origin.get("origin_id") or "")
        for name, node_id in d.buckets.items():
            by_domain = str(origin.get("domain_name") or "").startswith(f"{name}.")
            if by_domain or node_id.removeprefix("s3_") in origin_id.replace("-", "_").split("_"):
                d.g.connect("cloudfront", node_id, "static content (OAC)")


# An IAM action's service prefix -> (target node, edge label) for services drawn as one node.
_SERVICE_EDGES = {
    "rds-db": ("rds", "queries (IAM auth)"),
    "ses": ("ses", "sends email"),
    "bedrock": ("bedrock", "calls model"),
    "secretsmanager": ("secrets", "retrieves"),
    "ssm": ("ssm", "retrieves"),
}


def _policy_edges(d: _Drawing) -> None:
    """Lambda -> what its role policy grants; SQS -> the functions allowed to receive from it."""
    consumers: set[str] = set()
    fn_modules = {fn.module for fn in d.of("aws_lambda_function")}
    for policy, statements in d.policies:
        fn_id = _policy_function(policy, d.function_nodes, fn_modules)
        if not fn_id:
            continue
        if policy.after.get("name") == "rds-iam-connect" or "rds_connect" in policy.address:
            d.g.connect(fn_id, "rds", "queries (IAM auth)")
        for statement in statements:
            consumers |= _statement_edges(d, fn_id, statement)
    if d.of("aws_lambda_event_source_mapping"):
        for queue_id in [q for n, q in d.queues.items() if "dlq" not in n]:
            for fn_id in sorted(consumers):
                d.g.connect(queue_id, fn_id, "triggers")


def _statement_edges(d: _Drawing, fn_id: str, statement: dict[str, Any]) -> set[str]:
    """Draw one statement's edges from ``fn_id``; the function when the statement lets it consume."""
    actions = _as_list(statement.get("Action"))
    resources = " ".join(_as_list(statement.get("Resource")))
    prefixes = {a.split(":")[0] for a in actions}
    for prefix in sorted(prefixes & set(_SERVICE_EDGES), key=list(_SERVICE_EDGES).index):
        d.g.connect(fn_id, *_SERVICE_EDGES[prefix])
    if "s3" in prefixes:
        for name, node_id in d.buckets.items():
            if f":::{name}" in resources:
                d.g.connect(fn_id, node_id, "read/write")
    consumes = False
    if "sqs" in prefixes:
        for name, node_id in d.queues.items():
            if not (resources.endswith(f":{name}") or f":{name} " in resources):
                continue
            if "sqs:ReceiveMessage" in actions:
                consumes = True
            elif "sqs:SendMessage" in actions:
                d.g.connect(fn_id, node_id, "on failure" if "dlq" in name else "sends messages")
    if "lambda" in prefixes:
        for name, node_id in d.functions.items():
            if f":function:{name}" in resources and node_id != fn_id:
                d.g.connect(fn_id, node_id, "invokes")
    return {fn_id} if consumes else set()


def _queue_edges(d: _Drawing) -> None:
    """Redrive to the dead-letter queue, and the database's master secret."""
    for queue in d.of("aws_sqs_queue"):
        name = queue.after.get("name") or ""
        redrive = queue.after.get("redrive_policy")
        if isinstance(redrive, str) and "deadLetterTargetArn" in redrive:
            dlq = json.loads(redrive)["deadLetterTargetArn"].rsplit(":", 1)[-1]
            d.g.connect(d.queues.get(name, ""), d.queues.get(dlq, ""), "redrive")
        elif queue.after_unknown.get("redrive_policy"):
            d.g.connect(
                d.queues.get(name, ""), d.queues.get(f"{name}-dlq", ""), "redrive"
            )  # the modules' naming
    if _master_secret(d):
        d.g.connect("rds", "secrets", "master secret")
    _connect_schema_owners(d.g, d.of, d.functions)


def _network_edges(d: _Drawing) -> None:
    """The first function in the app subnets reaches out through NAT and the interface endpoints."""
    in_vpc = next((fn_id for fn_id in d.functions.values() if d.g.nodes[fn_id].tier == "app"), None)
    if d.of("aws_nat_gateway"):
        if in_vpc:
            d.g.connect(in_vpc, "nat", "egress")
        d.g.connect("nat", "igw", "")
    if d.interface_endpoints() and in_vpc:
        d.g.connect(in_vpc, "endpoints", "AWS APIs")
    d.g.connect("alarms", "sns", "notifies")


def _connect_schema_owners(g: Graph, of: Any, functions: dict[str, str]) -> None:
    """A function that logs in as the master user with its secret runs the migrations (its secret
    policy names the master secret's ARN, unknown at plan: its settings say who it connects as)."""
    owners = {d.after.get("username") for d in of("aws_db_instance")}
    for fn in of("aws_lambda_function"):
        variables = ((fn.after.get("environment") or [{}])[0] or {}).get("variables") or {}
        if variables.get("DB_AUTH_MODE") == "secret" and variables.get("DB_USER") in owners:
            node_id = functions[fn.after.get("function_name") or str(fn.index or fn.name)]
            g.connect(node_id, "rds", "migrates (schema owner)")
            g.connect(node_id, "secrets", "reads master secret")


def _policy_function(
    policy: PlannedResource, function_nodes: dict[str, str], modules: set[str]
) -> str | None:
    """The Lambda node a role policy belongs to: compute policies are keyed like the functions."""
    key = policy.index
    if key is None or policy.module not in modules:
        return None
    return function_nodes.get(str(key))


def to_dot(g: Graph) -> str:
    out = [
        f'digraph "smartstack_{g.env or "plan"}" {{',
        '  graph [rankdir=LR, fontname="Helvetica", fontsize=12, compound=true, nodesep=0.3, '
        f'ranksep=1.1, splines=spline, label="SmartStack {g.env} (generated from the plan)", labelloc=t];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, fontcolor=white];',
        '  edge [fontname="Helvetica", fontsize=9, color="#555555"];',
    ]

    def node_line(n: Node, indent: str) -> str:
        colour = COLOURS[n.kind]
        return f'{indent}"{n.id}" [label="{n.label}", fillcolor="{colour}", color="{colour}"];'

    for n in g.nodes.values():
        if not n.tier:
            out.append(node_line(n, "  "))
    region = [t for t in TIERS if t not in VPC_TIERS]

    def cluster(tier: str, indent: str) -> list[str]:
        members = [n for n in g.nodes.values() if n.tier == tier]
        if not members:
            return []
        label, fill = TIERS[tier]
        lines = [
            f'{indent}subgraph "cluster_{tier}" {{',
            f'{indent}  label="{label}"; style="rounded,filled"; fillcolor="{fill}"; color="#9E9E9E";',
        ]
        lines += [node_line(n, indent + "  ") for n in members]
        return [*lines, f"{indent}}}"]

    out.append('  subgraph "cluster_region" {')
    out.append('    label="AWS region"; style="rounded"; color="#FF9900";')
    for tier in region[:1]:
        out += cluster(tier, "    ")
    if any(n.tier in VPC_TIERS for n in g.nodes.values()):
        out.append('    subgraph "cluster_vpc" {')
        out.append(f'      label="{g.vpc_label or "VPC"}"; style="rounded,dashed"; color="#4CAF50";')
        for tier in VPC_TIERS:
            out += cluster(tier, "      ")
        out.append("    }")
    for tier in region[1:]:
        out += cluster(tier, "    ")
    out.append("  }")
    for e in g.edges:
        label = f' [label="{e.label}"]' if e.label else ""
        out.append(f'  "{e.source}" -> "{e.target}"{label};')
    out.append("}")
    return "\n".join(out) + "\n"


def render(dot_text: str, target: Path, formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError(GRAPHVIZ_HINT)
    target.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = target.with_suffix(f".{fmt}")
        extra = ["-Gdpi=110"] if fmt == "png" else []
        subprocess.run([dot, f"-T{fmt}", *extra, "-o", str(path)], input=dot_text, text=True, check=True)
        written.append(path)
    return written


def generate(plan: dict[str, Any], env: str, out_dir: Path = DIAGRAMS) -> list[Path]:
    text = to_dot(build(plan, env))
    out_dir.mkdir(parents=True, exist_ok=True)
    dot_path = out_dir / f"{env}.dot"
    dot_path.write_text(text)
    return [dot_path, *render(text, dot_path)]


def main(argv: list[str]) -> int:
    """`make diagrams`: draw build/plans/<env>.json (planned by `make plan`) into build/diagrams/."""
    for env in argv or list(ENVIRONMENTS):
        path = PLANS / f"{env}.json"
        if not path.exists():
            print(f"{path.relative_to(REPO)} is missing: run `make plan` first", file=sys.stderr)
            return 1
        try:
            written = generate(json.loads(path.read_text()), env)
        except RuntimeError as err:
            print(err, file=sys.stderr)
            return 1
        print(f"== {env}: " + ", ".join(str(p.relative_to(REPO)) for p in written))
        if env == "prod":  # the README embeds the committed prod diagram
            for path in written:
                shutil.copyfile(path, DOCS / f"architecture-prod{path.suffix}")
            print(f"   copied to {DOCS.relative_to(REPO)}/architecture-prod.{{dot,png,svg}} (commit them)")
    return 0
