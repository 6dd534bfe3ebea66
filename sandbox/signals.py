"""Forget a cached API key (keys.py) the moment it, or its account, changes."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sandbox.keys import cache_key
from sandbox.models import Account, ApiKey


@receiver([post_save, post_delete], sender=ApiKey, dispatch_uid="sandbox-forget-key")
def forget_key(sender, instance: ApiKey, **kwargs) -> None:
    cache.delete(cache_key(instance.key_hash))


@receiver([post_save, post_delete], sender=Account, dispatch_uid="sandbox-forget-account-keys")
def forget_account_keys(sender, instance: Account, **kwargs) -> None:
    # A deleted account's keys went with it, each one through forget_key.
    hashes = ApiKey.objects.filter(account=instance).values_list("key_hash", flat=True)
    cache.delete_many([cache_key(h) for h in hashes])
