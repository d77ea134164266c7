"""The aiogram 3 adapter: dispatcher, webhook, routers, middlewares, callbacks, keyboards, screens."""
