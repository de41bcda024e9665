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
        """An uninitialised array of this backend's dtype on its device."""
        if self.name == "torch":
            return self.xp.empty(shape, dtype=self.dtype, device=self.device)
        return np.empty(shape, dtype=self.dtype)

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

    β^t depends only on the step, but inductor would inline it into the elementwise kernel and call a
    scalar pow for every element (ten times slower than the rest of the step). An opaque custom op
    keeps it a single 0-d computation outside the kernel.
    """

    def __post_init__(self) -> None:
        # Register the custom op now, outside any traced code (registration cannot be traced).
        _scalar_power()

    def power(self, base: Any, exponent: Any) -> Any:
        return _scalar_power()(self.asarray(base), self.asarray(exponent))


_SCALAR_POWER = None


def _scalar_power() -> Any:
    global _SCALAR_POWER
    if _SCALAR_POWER is None:
        import torch

        # An explicit schema: this module's annotations are strings (from __future__ import annotations).
        schema = "(Tensor base, Tensor exponent) -> Tensor"

        @torch.library.custom_op("optimizer_lab::scalar_power", mutates_args=(), schema=schema)
        def scalar_power(base: Any, exponent: Any) -> Any:
            return torch.pow(base, exponent)

        @scalar_power.register_fake
        def _(base: Any, exponent: Any) -> Any:
            return torch.empty(
                torch.broadcast_shapes(base.shape, exponent.shape), dtype=base.dtype, device=base.device
            )

        _SCALAR_POWER = scalar_power
    return _SCALAR_POWER


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
