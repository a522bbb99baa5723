"""gunicorn's access log, naming the client the site itself counts (gunicorn.conf.py loads
it): behind nginx every request comes from 127.0.0.1, and a log that names nginx cannot be
matched against a limiter's refusals, a ban or an abuse report."""

from gunicorn.glogging import Logger


class ClientAddressLogger(Logger):
    """gunicorn's logger with `%(h)s` the client address core.http.client_ip_from reads
    (PARLEY_TRUSTED_PROXY_COUNT hops into X-Forwarded-For), never a header nobody vouches
    for."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # Imported here: this module is loaded by gunicorn's master before Django is set up;
        # access lines are written by workers, which have loaded the site.
        from core.http import client_ip_from

        forwarded_for = environ.get("HTTP_X_FORWARDED_FOR", "")
        atoms["h"] = client_ip_from(environ.get("REMOTE_ADDR"), forwarded_for) or "-"
        return atoms
