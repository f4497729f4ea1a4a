"""Maps the top-level folders onto the ``zn5`` import package (DESIGN.md section 2).

``reference/`` is imported as ``zn5.reference`` and ``conformance/`` as ``zn5.conformance``; pyproject.toml
cannot compute the package list under a renamed root, so it is computed here.
"""

from setuptools import find_packages, setup

ROOTS = ("reference", "conformance")
packages = [f"zn5.{root}" for root in ROOTS]
packages += [
    f"zn5.{root}.{sub}" for root in ROOTS for sub in find_packages(root, exclude=["*.node_modules*"])
]

setup(packages=packages, package_dir={f"zn5.{root}": root for root in ROOTS})
