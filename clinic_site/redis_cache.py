"""Django's Redis cache backend, keeping one redis-py client per connection pool.

Django builds a new redis-py client for every cache call, and redis-py's constructor fills a
table of some 170 response callbacks each time: about 0.2 ms of Python per call, a quarter of
serving a page from the page cache (bench/RESULTS.md, "Throughput"). redis-py clients are
thread-safe and share their pool, so one client per pool does the same work. Everything else is
Django's backend, unchanged.

`FragmentRedisCache` backs the `{% cache %}` template tag (the `template_fragments` alias it
uses when there is one): a fragment is only a shortcut, so when Redis fails the page is rendered
in full rather than answered with a 500 (the request form must work in a Redis outage).
"""

import logging

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient


class FragmentRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError:
            logger.warning("template fragment not read: cache unreachable")
            return default

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError:
            logger.warning("template fragment not stored: cache unreachable")
