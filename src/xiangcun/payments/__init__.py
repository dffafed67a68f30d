"""Payment providers (cash, sandbox, WeChat Pay), payment intents, notifications, refunds."""
