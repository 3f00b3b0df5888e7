"""rasa_sdk's plugin hook (rasa_sdk/plugin.py): `rasa run actions` imports a top-level package
of this name, if there is one, and calls `init_hooks`; rasa_sdk then hands its Sanic app to
`attach_sanic_app_extensions` before it starts serving. Here: the action server's guard
(bot/action_guard.py: a token and JSON bodies only).

rasa_sdk ignores a ModuleNotFoundError raised while loading this package, so nothing is
imported here but pluggy (a dependency of rasa_sdk): bot.action_guard is imported when the
hook runs, where any error stops the server.
"""
import pluggy

hookimpl = pluggy.HookimplMarker("rasa_sdk")


class ActionGuardPlugin:
    @hookimpl
    def attach_sanic_app_extensions(self, app):  # noqa: ANN001 (rasa_sdk's hook signature)
        from bot.action_guard import protect

        protect(app)


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(ActionGuardPlugin())
