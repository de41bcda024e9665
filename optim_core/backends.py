"""Array backends: the handful of operations the update rules need, for numpy and for torch.

The rules in `optim_core.rules` are written once, with Python operators (+, -, *, /, **) and the
functions of an `ArrayOps` namespace, so the same source runs on numpy arrays, on torch tensors on any
device, and on plain Python floats (for per-step scalars such as bias corrections).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class ArrayOps:
    """The array functions a rule may call. Operators (+ - * / **) come from the arrays themselves."""

    name: str
    xp: Any  # the module: numpy or torch
    device: Any = None
    dtype: Any = None

    def sqrt(self, a: Any) -> Any:
        if isinstance(a, float | int):
            return math.sqrt(a)
        return self.xp.sqrt(a)

    def power(self, base: Any, exponent: Any) -> Any:
        """base ** exponent, for the per-step powers β^t of the bias corrections."""
        return base**exponent

    def maximum(self, a: Any, b: Any) -> Any:
        return self.xp.maximum(a, b)

    def where(self, condition: Any, a: Any, b: Any) -> Any:
        """Elementwise choice; plain Python when the condition is a Python bool."""
        if isinstance(condition, bool | np.bool_):
            return a if condition else b
        if self.name == "torch":
            a = self.asarray(a)
            b = self.asarray(b)
        return self.xp.where(condition, a, b)

    def empty(self, shape: tuple[int, ...]) -> Any:
        """An uninitialised array of this backend's dtype on its device.

        On the CPU the memory always comes from numpy, which asks Linux for transparent huge pages
        (madvise) for large arrays: a run's records (1.8 GB for 16,384 runs × 1,000 steps) are written
        into fresh memory, and with 4 KiB pages the page faults alone took longer than the steps.
        """
        if self.name == "torch":
            if self.device is not None and self.device.type != "cpu":
                return self.xp.empty(shape, dtype=self.dtype, device=self.device)
            numpy_dtype = self.xp.empty((), dtype=self.dtype).numpy().dtype
            return self.xp.from_numpy(np.empty(shape, dtype=numpy_dtype))
        return np.empty(shape, dtype=self.dtype)

    def stack_axes(self, x_row: Any, y_row: Any) -> Any:
        """The (2, B) array of two (B,) rows of one shape and dtype: a gradient's x and y parts.

        numpy's `np.array` of the pair rather than `np.stack`, whose Python-level checks cost ~3 µs a
        call, a tenth of an eager step of the default run; the same numbers either way.
        """
        if self.name == "torch":
            return self.xp.stack((x_row, y_row))
        return np.array((x_row, y_row))

    def zeros_like(self, a: Any) -> Any:
        return self.xp.zeros_like(a)

    def full_like(self, a: Any, value: float) -> Any:
        return self.xp.full_like(a, value)

    def asarray(self, a: Any) -> Any:
        """Array of this backend's dtype on this backend's device (scalars stay arrays of shape ())."""
        if self.name == "torch":
            return self.xp.as_tensor(a, dtype=self.dtype, device=self.device)
        return np.asarray(a, dtype=self.dtype)

    def to_numpy(self, a: Any) -> np.ndarray:
        if self.name == "torch":
            return a.detach().to("cpu").numpy()
        return np.asarray(a)


@dataclass(frozen=True)
class FusedTorchOps(ArrayOps):
    """Torch ops for code traced by torch.compile.

    β^t depends only on the step, but inductor inlines a pointwise pow into the elementwise kernel that
    uses it and calls the scalar `std::pow` once per vector of runs, for every β and every step of the
    chunk (it cannot hoist it: inductor keeps errno semantics, so pow is not a pure function to the C++
    compiler). `power` ends the computation with a reduction (the max of two copies of β^t, which is β^t
    exactly), and inductor computes reductions in a loop of their own before the kernel that reads them:
    each β^t is computed once per chunk, then read as a scalar. (An opaque custom op did the same at
    ~28 µs of Python dispatch per call: measured 6.8 against 4.3 ns per point-step.)
    """

    def power(self, base: Any, exponent: Any) -> Any:
        value = self.xp.pow(self.asarray(base), self.asarray(exponent))
        return self.xp.stack((value, value)).amax(dim=0)


def numpy_ops(dtype: str = "float64") -> ArrayOps:
    return ArrayOps("numpy", np, None, np.dtype(dtype))


def best_device() -> str:
    """The fastest torch device here: "cuda", then "mps", else "cpu" (imports torch)."""
    import torch

    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def torch_ops(device: str | None = None, dtype: str = "float64") -> ArrayOps:
    """Torch backend on `device` ("cpu", "cuda", "mps", "auto" or None for cpu)."""
    import torch

    if device in (None, ""):
        device = "cpu"
    if device == "auto":
        device = best_device()
    torch_dtype = {"float64": torch.float64, "float32": torch.float32}[dtype]
    if device == "mps" and torch_dtype == torch.float64:
        raise ValueError("dtype: the mps device has no float64; use dtype='float32'")
    return ArrayOps("torch", torch, torch.device(device), torch_dtype)


def make_ops(backend: str, device: str | None, dtype: str) -> ArrayOps:
    """Validate the backend arguments of `run` / `sweep` and build the namespace."""
    if dtype not in ("float64", "float32"):
        raise ValueError(f"dtype must be 'float64' or 'float32', not {dtype!r}")
    if backend == "numpy":
        if device not in (None, "cpu"):
            raise ValueError(f"device: the numpy backend runs on the cpu, not {device!r}")
        return numpy_ops(dtype)
    if backend == "torch":
        return torch_ops(device, dtype)
    raise ValueError(f"backend must be 'numpy' or 'torch', not {backend!r}")
