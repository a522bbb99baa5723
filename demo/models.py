from django.db import models


class DemoLoad(models.Model):
    """That the demo was loaded into this database. `make run` asks for the demo every time
    it starts: once loaded, it is never loaded again, even after its article was deleted."""

    loaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Demo loaded {self.loaded_at:%Y-%m-%d %H:%M}"
