"""bench/post_profile.py --profile parts times functions it names as module:function: each
must still be there, or the profile stops with an AttributeError after a minute's setup."""

import importlib

import pytest

from bench.post_profile import PARTS


@pytest.mark.parametrize("spec", PARTS)
def test_each_timed_part_is_still_where_the_profile_looks_it_up(spec):
    module_name, name = spec.rsplit(":", 1)
    assert callable(getattr(importlib.import_module(module_name), name, None)), spec
