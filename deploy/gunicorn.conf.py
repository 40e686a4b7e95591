"""gunicorn settings for one app instance (`gunicorn -c deploy/gunicorn.conf.py wsgi:app`).

The address and the pid file are given on the command line (`--bind 127.0.0.1:8001 --pid
…`): one file serves every instance (systemd's portal-web@PORT, `make prod`'s app1/app2).
The sizes come from the environment (deploy/portal.env.example).
"""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Processes × threads per instance. A request mostly waits on PostgreSQL and the object
# store, so threads pay; processes use the cores (about one per core per instance).
workers = _int("WEB_CONCURRENCY", 2)
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread"

# X-Forwarded-Proto is believed only from these addresses (nginx on this machine): gunicorn
# then sets wsgi.url_scheme, and the app's ProxyFix (PROXY_COUNT) takes the client's address
# from X-Forwarded-For. Comma-separated; the proxy's address when nginx is another machine.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# A request longer than this (a stuck thread) gets its worker restarted; above the longest
# honest request (a PDF of many pages, a year's statistics export) and below nginx's
# proxy_read_timeout (75 s), so nginx sees gunicorn's answer rather than its own timeout.
timeout = _int("GUNICORN_TIMEOUT", 60)
# SIGTERM (systemctl stop, a deploy): requests in progress get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# nginx opens a new connection per request (no upstream keepalive): a short keep-alive.
keepalive = 2
# A worker is replaced after this many requests (plus up to the jitter, so they do not all
# restart together): a slow leak in a library cannot grow for ever.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# The same limits as nginx's (large_client_header_buffers 4 16k), in case a request reaches
# an instance directly.
limit_request_line = 8190
limit_request_field_size = 16380

# Access log on standard output with nginx's request id (X-Request-Id): one id follows a
# request through nginx's log, gunicorn's and the app's.
accesslog = "-"
access_log_format = ('%(h)s "%(r)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}i)s '
                     '"%(a)s"')
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = os.environ.get("GUNICORN_PROC_NAME", "portal-web")
# The heartbeat file in memory, not on a disk that may stall (and under ProtectSystem).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# gunicorn's control socket (gunicornc) would be one path ($HOME/.gunicorn/gunicorn.ctl) for
# every instance of the machine: off; instances are driven by signals (HUP, TERM) instead.
control_socket_disable = True
# Every worker imports the app itself: nothing (database connections, the S3 client's
# pool) is shared across a fork.
preload_app = False


def child_exit(server, worker):
    """A worker ended (max_requests, a crash, a timeout): with prometheus_client's
    multiprocess mode, its gauges' files must be marked dead, or its last values would be
    summed for ever."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
