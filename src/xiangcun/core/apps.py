from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "xiangcun.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from xiangcun.core.form_messages import form_messages_install

        form_messages_install()
