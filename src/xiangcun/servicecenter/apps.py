from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceCenterConfig(AppConfig):
    name = "xiangcun.servicecenter"
    label = "servicecenter"
    verbose_name = _("Service centre")
