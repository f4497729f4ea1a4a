"""Maps the top-level folders onto the ``zn5`` import package (DESIGN.md section 2).

``reference/`` is imported as ``zn5.reference`` and ``conformance/`` as ``zn5.conformance``; two folders
of data travel as packages too, so that ``importlib.resources`` finds them in a wheel as in a checkout:
``schemas/`` as ``zn5.schemas`` and the sample stores ``examples/stores/`` as ``zn5.samples``
(zn5.conformance.suite.resources). pyproject.toml cannot compute the package list under a renamed root, so it
is computed here.
"""

from setuptools import find_packages, setup

CODE_ROOTS = ("reference", "conformance")
DATA_PACKAGES = {"zn5.schemas": "schemas", "zn5.samples": "examples/stores"}
packages = [f"zn5.{root}" for root in CODE_ROOTS]
packages += [
    f"zn5.{root}.{sub}"
    for root in CODE_ROOTS
    for sub in find_packages(root, exclude=["*.node_modules*", "*.target*"])
]
packages += list(DATA_PACKAGES)
package_dir = {f"zn5.{root}": root for root in CODE_ROOTS} | DATA_PACKAGES

setup(packages=packages, package_dir=package_dir)
