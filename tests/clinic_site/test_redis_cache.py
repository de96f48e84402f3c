from clinic_site.redis_cache import RedisCache
from tests.live import free_port


def test_the_redis_cache_reuses_one_client_per_connection_pool():
    # No server needed: building a client does not connect.
    cache = RedisCache(f"redis://127.0.0.1:{free_port()}/0", {})
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client
    assert cache._cache.get_client("any-key", write=False) is client
