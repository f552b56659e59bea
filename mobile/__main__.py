"""Run the phone app on a desktop: python -m mobile [--server URL] [--data-dir DIR]."""

from __future__ import annotations

import argparse
import os


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m mobile", description="Fieldaudit shopper app")
    parser.add_argument("--server", help="server address to pre-fill on the sign-in screen")
    parser.add_argument("--data-dir", help="where the local store lives (default: ~/.local/share/fieldaudit)")
    parser.add_argument("--size", default="", help="window size in pixels, e.g. 405x720 (phone-like)")
    args = parser.parse_args(argv)
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    if args.size:
        from kivy.config import Config

        width, height = args.size.lower().split("x")
        Config.set("graphics", "width", width)
        Config.set("graphics", "height", height)
    from mobile.app.main import FieldauditApp

    FieldauditApp(data_dir=args.data_dir, server=args.server).run()


if __name__ == "__main__":
    main()
