# Sourced by scripts/test: Debian packages the suite needs and a fresh machine lacks.
# chromium: browser tests; libgl1/libegl1/libgles2/libgl1-mesa-dri/libmtdev1: Kivy rendering offscreen;
# nginx: the proxy test (tests/deploy) runs the shipped deploy/nginx/fieldaudit.conf.
FIELDAUDIT_TEST_DEBS="chromium libgl1 libegl1 libgles2 libgl1-mesa-dri libmtdev1 nginx"

fieldaudit_system_packages() {
    command -v dpkg >/dev/null || { echo "==> not a Debian system: install $FIELDAUDIT_TEST_DEBS yourself"; return 0; }
    local missing=""
    for deb in $FIELDAUDIT_TEST_DEBS; do
        dpkg -s "$deb" >/dev/null 2>&1 || missing="$missing $deb"
    done
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" != 0 ]; then
        echo "The test suite needs these Debian packages:$missing" >&2
        echo "Install them with: sudo apt-get install -y$missing" >&2
        return 1
    fi
    echo "==> installing Debian packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
}
