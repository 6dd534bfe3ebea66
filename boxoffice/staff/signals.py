from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from boxoffice.staff.backends import user_cache_key
from boxoffice.staff.roles import roles_cache_key


def forget_staff(user_ids) -> None:
    """Their roles and their cached user: the next request reads both afresh."""
    cache.delete_many([key for pk in user_ids for key in (roles_cache_key(pk), user_cache_key(pk))])


@receiver([post_save, post_delete], sender=User)
def forget_changed_user(sender, instance, **kwargs):
    # A new password, a deactivation or a deletion must reach the very next request.
    forget_staff([instance.pk])


@receiver(m2m_changed, sender=User.groups.through)
def forget_roles_on_group_change(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    # reverse: group.user_set.add(...), so instance is the Group and pk_set its users.
    forget_staff((pk_set or instance.user_set.values_list("pk", flat=True)) if reverse else [instance.pk])


@receiver([post_save, post_delete], sender=Group)
def forget_roles_on_group_rename(sender, instance, **kwargs):
    # A renamed or deleted group changes the roles of all its members.
    forget_staff(instance.user_set.values_list("pk", flat=True))
