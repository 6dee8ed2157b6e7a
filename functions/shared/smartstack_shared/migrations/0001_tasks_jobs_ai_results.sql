-- Tasks owned by an authenticated user (the authorizer's principal id).
CREATE TABLE tasks (
    id uuid PRIMARY KEY,
    owner_id text NOT NULL,
    notify_email text,
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '',
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'processing', 'done', 'failed')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX tasks_owner_created_idx ON tasks (owner_id, created_at DESC);

-- One row per "process this task" request. The primary key is the idempotency key that SQS
-- redeliveries carry, so a redelivered message finds the job and skips finished steps.
CREATE TABLE processing_jobs (
    id uuid PRIMARY KEY,
    task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    instruction text NOT NULL,
    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'processing', 'succeeded', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    last_message_id text,
    result_text text,
    ai_log_key text,
    error text,
    notified_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX processing_jobs_task_idx ON processing_jobs (task_id);

-- Written by the AI service. One result per job (primary key): a repeated invocation returns
-- the stored answer instead of paying for a second Bedrock call.
CREATE TABLE ai_results (
    job_id uuid PRIMARY KEY REFERENCES processing_jobs (id) ON DELETE CASCADE,
    task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    model_id text NOT NULL,
    output_text text NOT NULL,
    stop_reason text NOT NULL,
    input_tokens integer NOT NULL CHECK (input_tokens >= 0),
    output_tokens integer NOT NULL CHECK (output_tokens >= 0),
    total_tokens integer NOT NULL CHECK (total_tokens >= 0),
    latency_ms integer,
    log_key text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
