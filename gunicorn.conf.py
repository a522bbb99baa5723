"""gunicorn reads this file from the folder it is started in (deploy/parley-web.service's
WorkingDirectory): command-line options still win over it."""

# The access log names the real client behind PARLEY_TRUSTED_PROXY_COUNT proxies, not nginx.
logger_class = "config.gunicorn_log.ClientAddressLogger"


def post_worker_init(worker):
    # The worker has loaded the site (gunicorn does not preload it): see core.collector.
    from core.collector import collector_settle

    collector_settle()
