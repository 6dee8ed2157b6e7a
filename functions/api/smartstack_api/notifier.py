"""Completion emails through SES (v2 API, optional configuration set for bounce/complaint events)."""

from __future__ import annotations

from typing import Any


def send_job_email(
    ses: Any,
    sender: str,
    configuration_set: str,
    recipient: str,
    task_title: str,
    outcome: str,
    detail: str,
    link: str,
) -> str:
    request: dict[str, Any] = {
        "FromEmailAddress": sender,
        "Destination": {"ToAddresses": [recipient]},
        "Content": {
            "Simple": {
                "Subject": {"Data": f"SmartStack: processing {outcome} for '{task_title[:80]}'"},
                "Body": {
                    "Text": {
                        "Data": f"Your task '{task_title}' finished processing ({outcome}).\n\n{detail}\n\n"
                        f"Open it in SmartStack (link valid 7 days): {link}"
                    }
                },
            }
        },
    }
    if configuration_set:
        request["ConfigurationSetName"] = configuration_set
    return ses.send_email(**request)["MessageId"]
