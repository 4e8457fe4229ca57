"""Build the compiled kernel (sim/kernel/_kernel.pyx) when a C compiler is there; everything else
is in pyproject.toml.

The kernel links numpy's random library (libnpyrandom, shipped in numpy's wheels) so that it
draws from the states' numpy Generators with numpy's own algorithms. `-ffp-contract=off` keeps
the compiler from fusing a multiply and an add into one rounding (as it may on processors with
FMA): the kernel must do the same arithmetic as the Python reference, bit for bit.

The scenarios (`scenarios/`) are copied into the package as `sim/scenarios/`. The extension is optional: if it cannot be compiled (most often: no C compiler), the install
goes on without it, says so in one paragraph, and the engine runs on `sim.kernel.reference`,
which gives the same results more slowly (see sim/kernel/__init__.py).
"""

import os
import shutil
import sys

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

# how many times slower the plain-Python kernel is (sim/kernel/__init__.py's SLOWDOWN, read without
# importing the package, whose dependencies may not be installed yet)
SLOWDOWN = next(line.split("=")[1].strip() for line in open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                "sim", "kernel", "__init__.py"), encoding="utf-8") if line.startswith("SLOWDOWN ="))

flags = [] if sys.platform == "win32" else ["-O3", "-ffp-contract=off"]
kernel = Extension(
    "sim.kernel._kernel",
    ["sim/kernel/_kernel.pyx"],
    include_dirs=[numpy.get_include()],
    library_dirs=[os.path.join(os.path.dirname(numpy.__file__), "random", "lib")],
    libraries=["npyrandom"],
    extra_compile_args=flags,
    define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
)


class OptionalBuildExt(build_ext):
    """Build the kernel if possible; otherwise warn in plain words and install without it.

    A kernel that failed to build is also left out of every later step that would look for its
    file: the copy next to the source (`build_ext --inplace`, and `pip install -e .`, which builds
    in a temporary folder and then copies) and the list of outputs the wheel is made of."""

    def initialize_options(self):
        super().initialize_options()
        self.failed = set()

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:  # noqa: BLE001 - any build failure: compiler missing, headers, linker
            self.failed.add(ext.name)
            sys.stderr.write(
                f"\nWARNING: the fast compiled kernel ({ext.name}) was not built: {exc}\n"
                "Most often no C compiler (gcc, clang or MSVC) was found. alliance-sim is installed and\n"
                f"gives the same results on its plain-Python kernel, about {SLOWDOWN}x slower. For the fast path,\n"
                "install a C compiler and run the install again.\n\n")

    def _without_failed(self, step):
        every = self.extensions
        self.extensions = [ext for ext in every if ext.name not in self.failed]
        try:
            return step()
        finally:
            self.extensions = every

    def copy_extensions_to_source(self):
        self._without_failed(super().copy_extensions_to_source)

    def get_outputs(self):
        return self._without_failed(super().get_outputs)

    def get_output_mapping(self):
        return self._without_failed(super().get_output_mapping)


class BuildPyWithScenarios(build_py):
    """Ship the scenario, sweep and history files (`scenarios/`) in the package as `sim/scenarios/`,
    so that `alliance-sim run baseline_2022` finds them from any folder (sim/scenario/shipped.py)."""

    def run(self):
        super().run()
        source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios")
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(self.build_lib, "sim", "scenarios"), dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(ext_modules=cythonize([kernel], compiler_directives={"language_level": "3"}),
      cmdclass={"build_ext": OptionalBuildExt, "build_py": BuildPyWithScenarios})
