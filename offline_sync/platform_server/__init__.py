"""The reference provincial platform: the whole of contract v1 over a SQLite file.

For tests, demos and pilots before the real platform is connected. Start it with
``bianmin platform serve`` or, in Python::

    service = PlatformService.open(db_path, resident_id_valid=is_valid_id_number)
    server = PlatformServer(service)      # 127.0.0.1, a free port
    url = server.start()                  # in a thread; server.stop() to end
"""

from offline_sync.contract import CatalogueError
from offline_sync.platform_server.app import create_app
from offline_sync.platform_server.runner import PlatformServer
from offline_sync.platform_server.service import PlatformService, StaffError

__all__ = [
    "CatalogueError",
    "PlatformServer",
    "PlatformService",
    "StaffError",
    "create_app",
]
