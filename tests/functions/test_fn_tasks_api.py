"""Task routes through the real API handler, PostgreSQL and moto."""

from __future__ import annotations

import uuid

from fn_helpers import api_event, call_api


def new_owner() -> str:
    return f"user-{uuid.uuid4().hex[:10]}"


def test_health_reports_ok_when_database_answers(api):
    response = call_api(api_event("GET", "/health"))
    assert response.status == 200
    assert response.body == {"status": "ok"}


def test_create_get_list_update_task(api):
    owner = new_owner()
    created = call_api(
        api_event("POST", "/tasks", {"title": "Quarterly report", "description": "Q3"}, owner=owner)
    )
    assert created.status == 201, created.body
    task_id = created.body["id"]
    assert created.body["status"] == "open"
    assert created.body["owner_id"] == owner

    fetched = call_api(api_event("GET", f"/tasks/{task_id}", owner=owner))
    assert fetched.status == 200
    assert fetched.body["title"] == "Quarterly report"

    call_api(api_event("POST", "/tasks", {"title": "Second"}, owner=owner))
    listed = call_api(api_event("GET", "/tasks", owner=owner, query={"limit": "10"}))
    assert listed.status == 200
    assert [task["title"] for task in listed.body["tasks"]] == ["Second", "Quarterly report"]

    updated = call_api(
        api_event("PATCH", f"/tasks/{task_id}", {"status": "done", "title": "Q3 report"}, owner=owner)
    )
    assert updated.status == 200
    assert (updated.body["status"], updated.body["title"]) == ("done", "Q3 report")
    assert updated.body["updated_at"] >= created.body["updated_at"]


def test_tasks_are_private_to_their_owner(api):
    created = call_api(api_event("POST", "/tasks", {"title": "Mine"}, owner=new_owner()))
    other = new_owner()
    assert call_api(api_event("GET", f"/tasks/{created.body['id']}", owner=other)).status == 404
    assert (
        call_api(api_event("PATCH", f"/tasks/{created.body['id']}", {"title": "x"}, owner=other)).status
        == 404
    )
    assert call_api(api_event("GET", "/tasks", owner=other)).body == {"tasks": []}


def test_list_limit_is_bounded_by_the_parameter_store_page_size(api):
    response = call_api(api_event("GET", "/tasks", owner=new_owner(), query={"limit": "101"}))
    assert response.status == 400
    assert "between 1 and 100" in response.body["message"]
