# Sourced by scripts/serve and scripts/test: make .venv and install the hashed lock of the given kind.
# Only Python is assumed on the machine; everything else comes from PyPI (or apt, where a script says so).
#   fieldaudit_venv server   requirements/server.txt: what `fieldaudit run` needs
#   fieldaudit_venv dev      requirements/dev.txt: server, phone app, docs tools and the test suite
# pip and setuptools are upgraded first (requirements/bootstrap.txt), every package is checked against its
# hash (--require-hashes), then the project itself is installed editable without resolving anything again.
# scripts/lock rewrites the three lock files from pyproject.toml.
fieldaudit_venv() {
    local kind="$1"
    local python="${PYTHON:-python3}"
    local pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)
    if [ ! -f "requirements/$kind.txt" ]; then
        echo "fieldaudit_venv: no lock requirements/$kind.txt (use server or dev)" >&2
        return 2
    fi
    if [ ! -x .venv/bin/python ]; then
        echo "==> creating .venv with $($python --version 2>&1)"
        "$python" -m venv .venv
    fi
    echo "==> installing requirements/$kind.txt (hashed) and fieldaudit into .venv"
    "${pip[@]}" --require-hashes -r requirements/bootstrap.txt
    "${pip[@]}" --require-hashes -r "requirements/$kind.txt"
    "${pip[@]}" --no-deps --no-build-isolation -e .
}
