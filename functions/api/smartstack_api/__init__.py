"""SmartStack API function: REST routes (API Gateway) and the task-queue consumer (SQS)."""
