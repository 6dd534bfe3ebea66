from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from boxoffice.staff.roles import roles_cache_key


@receiver(m2m_changed, sender=User.groups.through)
def forget_roles_on_group_change(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    # reverse: group.user_set.add(...), so instance is the Group and pk_set its users.
    user_ids = (pk_set or instance.user_set.values_list("pk", flat=True)) if reverse else [instance.pk]
    cache.delete_many([roles_cache_key(user_id) for user_id in user_ids])


@receiver([post_save, post_delete], sender=Group)
def forget_roles_on_group_rename(sender, instance, **kwargs):
    # A renamed or deleted group changes the roles of all its members.
    cache.delete_many([roles_cache_key(pk) for pk in instance.user_set.values_list("pk", flat=True)])
