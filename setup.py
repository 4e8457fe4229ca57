"""Build the compiled kernel (sim/kernel/_kernel.pyx); everything else is in pyproject.toml.

The kernel links numpy's random library (libnpyrandom, shipped in numpy's wheels) so that it
draws from the states' numpy Generators with numpy's own algorithms. `-ffp-contract=off` keeps
the compiler from fusing a multiply and an add into one rounding (as it may on processors with
FMA): the kernel must do the same arithmetic as the Python reference, bit for bit.
"""

import os
import sys

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup

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
setup(ext_modules=cythonize([kernel], compiler_directives={"language_level": "3"}))
