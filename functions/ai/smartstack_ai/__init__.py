"""SmartStack AI service: Bedrock Converse on behalf of the API function."""
