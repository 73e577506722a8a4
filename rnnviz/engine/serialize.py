"""Model files and PyTorch-compatible weights, without pickle.

Model file (``.npz``, format ``rnnviz-model`` version 1): a zip of ``.npy`` arrays, one per
parameter (the keys of ``model.params``), plus ``__rnnviz__.npy``, a uint8 array holding the
UTF-8 JSON header ``{"format": "rnnviz-model", "version": 1, "config": {...}}``.

Loading is defensive: the file must be a zip whose members are all ``.npy``; member sizes are
checked *before* anything is decompressed (a zip bomb is refused), arrays are read with
``allow_pickle=False`` (an object array is refused and no code runs), the header's format
and version are checked, and every array must match the architecture's names and shapes.
Writing is atomic: a temporary file beside the target, then ``os.replace``, so a failed
save (disk full, permission) leaves the previous file intact.

Weights: :func:`save_safetensors` / :func:`load_safetensors` read and write PyTorch's
``safetensors`` format (``safetensors.numpy``), so ``torch.nn.LSTM(...).state_dict()`` saved
with ``safetensors.torch.save_file`` loads by name. bfloat16 tensors (which NumPy cannot hold)
are read as float32, exactly: a bfloat16 is the top 16 bits of the float32 of the same value.
"""
from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from rnnviz.errors import RnnvizError

FORMAT = "rnnviz-model"
VERSION = 1
HEADER_KEY = "__rnnviz__"
MAX_MEMBER_BYTES = 1 << 30        # 1 GiB per array, uncompressed
MAX_TOTAL_BYTES = 2 << 30         # 2 GiB per file, uncompressed
MAX_MEMBERS = 10_000
MAX_RATIO = 1000                  # uncompressed / compressed per member


def atomic_write(path, write_fn) -> None:
    """Call ``write_fn(file_object)`` on a temporary file beside ``path`` and move it into place.

    The temporary file has a short name of its own (``.rnnviz-XXXXXXXX.tmp`` in the same folder),
    so any legal target name can be saved, however long. Every ``OSError`` (no such folder,
    permission, disk full, name too long, target is a folder) becomes an :class:`RnnvizError`
    naming ``path`` and the reason. On any error the temporary file is removed and the previous
    ``path`` is untouched: the target is never left half-written.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    tmp = None
    try:
        # both checks inside the try: a file or folder name too long raises OSError here
        if not directory.is_dir():
            raise RnnvizError(f"cannot save {path}: folder {directory} does not exist")
        if path.is_dir():
            raise RnnvizError(f"cannot save {path}: it is a folder; give a file name")
        fd, tmp = tempfile.mkstemp(prefix=".rnnviz-", suffix=".tmp", dir=directory)
        try:
            fh = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            raise
        with fh:
            write_fn(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _default_file_mode(path))  # mkstemp makes 0600; a saved file gets the usual mode
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            _silent_remove(tmp)
        raise RnnvizError(f"cannot save {path}: {exc.strerror or exc}") from None
    except BaseException:
        if tmp is not None:
            _silent_remove(tmp)
        raise


def _default_file_mode(path: Path) -> int:
    """The mode of the file being replaced, else 0666 minus the umask (what open() would give)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _silent_remove(p) -> None:
    try:
        os.remove(p)
    except OSError:
        pass


def save_model(model, path) -> None:
    """Save ``model`` (SequenceModel or EncoderDecoder) atomically to ``path`` (.npz)."""
    header = {"format": FORMAT, "version": VERSION, "config": model.to_config()}
    arrays = {k: np.ascontiguousarray(v) for k, v in model.params.items()}
    arrays[HEADER_KEY] = np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)
    atomic_write(path, lambda fh: np.savez_compressed(fh, **arrays))


def read_npz_safely(path) -> dict[str, np.ndarray]:
    """All arrays of an ``.npz`` file, refusing anything unsafe; errors name the file."""
    from rnnviz.data.textfile import check_readable

    path = check_readable(path)  # a folder, named pipe or device is refused before opening it
    name = str(path)
    try:
        zf = zipfile.ZipFile(path)
    except PermissionError:
        raise RnnvizError(f"{name}: permission denied") from None
    except zipfile.BadZipFile:
        raise RnnvizError(f"{name}: not an rnnviz model file (not a zip archive; truncated or another format)") from None
    except OSError as exc:
        raise RnnvizError(f"{name}: cannot read ({exc.strerror or exc})") from None
    out = {}
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise RnnvizError(f"{name}: too many entries ({len(infos)}) for a model file")
        total = 0
        for info in infos:
            if not info.filename.endswith(".npy") or "/" in info.filename or "\\" in info.filename:
                raise RnnvizError(f"{name}: unexpected entry {info.filename!r}; a model file holds only .npy arrays")
            total += info.file_size
            if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
                raise RnnvizError(f"{name}: entry {info.filename!r} is too large when unpacked "
                                  f"({info.file_size} bytes); refusing to decompress")
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > (1 << 20):
                raise RnnvizError(f"{name}: entry {info.filename!r} is compressed {info.file_size // info.compress_size}x;"
                                  " refusing a possible zip bomb")
        for info in infos:
            key = info.filename[:-4]
            try:
                with zf.open(info) as fh:
                    arr = np.lib.format.read_array(fh, allow_pickle=False)
            except ValueError as exc:
                if "pickle" in str(exc).lower() or "object" in str(exc).lower():
                    raise RnnvizError(f"{name}: entry {key!r} holds Python objects (pickle); refused, nothing was run") from None
                raise RnnvizError(f"{name}: entry {key!r} is not a valid array ({exc})") from None
            except (zipfile.BadZipFile, EOFError, OSError) as exc:
                raise RnnvizError(f"{name}: entry {key!r} is damaged or truncated ({exc})") from None
            except Exception as exc:  # zlib.error and friends from a corrupt stream
                raise RnnvizError(f"{name}: entry {key!r} is damaged ({type(exc).__name__})") from None
            out[key] = arr
    return out


def read_header(arrays: dict, name: str) -> dict:
    """The JSON header of a model file, with format and version checked."""
    raw = arrays.get(HEADER_KEY)
    if raw is None or raw.dtype != np.uint8 or raw.ndim != 1:
        raise RnnvizError(f"{name}: not an rnnviz model file (no rnnviz header)")
    try:
        header = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise RnnvizError(f"{name}: the model header is not valid JSON") from None
    except ValueError:  # an integer of more digits than Python converts (sys.get_int_max_str_digits)
        raise RnnvizError(f"{name}: the model header holds a number with too many digits to be a setting") from None
    except RecursionError:
        raise RnnvizError(f"{name}: the model header is nested too deeply to be a model description") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise RnnvizError(f"{name}: not an rnnviz model file (format {header.get('format') if isinstance(header, dict) else None!r})")
    version = header.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version > VERSION or version < 1:
        raise RnnvizError(f"{name}: model format version {version!r} is not supported "
                          f"(this rnnviz reads version {VERSION}); update rnnviz or re-export the model")
    if not isinstance(header.get("config"), dict):
        raise RnnvizError(f"{name}: the model header has no config")
    return header


def check_arrays_fit(arrays: dict, shapes: dict, name: str, described_by: str = "the model header") -> None:
    """Refuse a file whose stored arrays are not exactly the parameters its header describes.

    Done on names and shapes alone, before a model is built, so a small file whose header claims
    huge sizes is refused without allocating anything. The message reads "``name``: the weights
    do not fit ``described_by`` (...)".
    """
    from rnnviz.engine.model import count_params

    missing = [k for k in shapes if k not in arrays]
    unknown = [k for k in arrays if k not in shapes]
    wrong = [k for k in shapes if k in arrays and tuple(arrays[k].shape) != tuple(shapes[k])]
    if not (missing or unknown or wrong):
        return
    implied = count_params(shapes)
    stored = sum(int(a.size) for a in arrays.values())
    if wrong:
        k = wrong[0]
        what = f"its header describes {k!r} with shape {tuple(shapes[k])}, the file stores {tuple(arrays[k].shape)}"
    elif missing:
        what = f"its header describes a parameter {missing[0]!r} {tuple(shapes[missing[0]])} that the file does not hold"
    else:
        what = f"the file holds an array {unknown[0]!r} that its header's model does not have"
    raise RnnvizError(f"{name}: the weights do not fit {described_by} ({what}; the header implies "
                      f"{implied:,} parameters, the file stores {stored:,})")


def load_model(path):
    """Load a model file written by :func:`save_model`; RnnvizError names the file and problem.

    The header's config is checked field by field and the parameter names and shapes it implies
    are compared with the arrays in the file *before* the model is built.
    """
    from rnnviz.engine.model import config_param_shapes, model_from_config

    name = str(path)
    arrays = read_npz_safely(path)
    header = read_header(arrays, name)
    state = {k: v for k, v in arrays.items() if k != HEADER_KEY}
    try:
        shapes = config_param_shapes(header["config"])
        check_arrays_fit(state, shapes, name)
        model = model_from_config(header["config"])
        model.load_state_dict(state)
    except RnnvizError as exc:
        msg = str(exc)
        raise RnnvizError(msg if msg.startswith(f"{name}: ") else f"{name}: {msg}") from None
    except MemoryError:
        raise RnnvizError(f"{name}: not enough memory to load this model") from None
    return model


# ------------------------------------------------------------------ safetensors
def save_safetensors(path, state: dict[str, np.ndarray], metadata: dict[str, str] | None = None) -> None:
    """Write ``state`` as PyTorch-compatible ``.safetensors`` atomically."""
    from safetensors.numpy import save

    blob = save({k: np.ascontiguousarray(v) for k, v in state.items()}, metadata=metadata)
    atomic_write(path, lambda fh: fh.write(blob))


def load_safetensors(path) -> dict[str, np.ndarray]:
    """Read a ``.safetensors`` file into NumPy arrays; RnnvizError names the file and problem."""
    from safetensors.numpy import load

    from rnnviz.data.textfile import check_readable

    name = str(path)
    p = check_readable(path)  # a folder, named pipe or device is refused before opening it
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise RnnvizError(f"{name}: cannot read ({exc.strerror or exc})") from None
    try:
        return {k: np.array(v) for k, v in load(data).items()}
    except Exception as exc:  # safetensors raises its own error types for bad headers
        reason = str(exc)
    # safetensors.numpy cannot hold bfloat16 (NumPy has no such type): read such a file
    # ourselves, widening bfloat16 to float32 exactly (the 16 bits are float32's top half)
    header = _safetensors_header(data)
    if header is not None and any(isinstance(v, dict) and v.get("dtype") == "BF16" for v in header.values()):
        return _read_safetensors_bf16(data, header, name)
    raise RnnvizError(f"{name}: not a valid .safetensors file ({reason})")


_ST_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
              "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "u1", "BOOL": "?"}


def _safetensors_header(data: bytes):
    """The JSON header of a safetensors blob (8-byte little-endian length, then JSON), or None."""
    if len(data) < 8:
        return None
    n = int.from_bytes(data[:8], "little")
    if n > len(data) - 8:
        return None
    try:
        header = json.loads(data[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    return header if isinstance(header, dict) else None


def _read_safetensors_bf16(data: bytes, header: dict, name: str) -> dict[str, np.ndarray]:
    """Tensors of a safetensors file holding bfloat16 ones, with bfloat16 widened to float32 (exact)."""
    body = memoryview(data)[8 + int.from_bytes(data[:8], "little"):]
    out = {}
    for key, info in header.items():
        if key == "__metadata__":
            continue
        bad = f"{name}: not a valid .safetensors file (tensor {key!r} is described wrongly)"
        if not isinstance(info, dict):
            raise RnnvizError(bad)
        dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
        if (not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0
                                                   for d in shape)
                or not isinstance(offsets, list) or len(offsets) != 2
                or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)):
            raise RnnvizError(bad)
        begin, end = offsets
        count = 1
        for d in shape:
            count *= d
        itemsize = 2 if dtype == "BF16" else np.dtype(_ST_DTYPES[dtype]).itemsize if dtype in _ST_DTYPES else None
        if itemsize is None:
            raise RnnvizError(f"{name}: tensor {key!r} has dtype {dtype!r}, which rnnviz cannot read")
        if not 0 <= begin <= end <= len(body) or end - begin != count * itemsize:
            raise RnnvizError(f"{name}: not a valid .safetensors file (tensor {key!r} has {end - begin} bytes "
                              f"for shape {tuple(shape)} of {dtype})")
        raw = body[begin:end]
        if dtype == "BF16":
            arr = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            arr = np.frombuffer(raw, dtype=_ST_DTYPES[dtype]).copy()
        out[key] = arr.reshape(shape)
    return out


def recurrent_names_in(tensors: dict[str, np.ndarray], net) -> dict[str, str]:
    """``{parameter of net: the key of tensors holding it}``: plain PyTorch names
    (``weight_ih_l0``) or under one module prefix (``rnn.weight_ih_l0``, ``model.encoder.lstm.weight_ih_l0``).

    Raises RnnvizError when no prefix holds every tensor ``net`` needs, naming the first one
    missing as the file would call it (with the prefix its other recurrent tensors have) and
    the shape ``net`` expects of it."""
    want = list(net.params)  # the network's order: layer 0 first, forward before reverse
    counts: dict[str, int] = {}  # prefix ("" for none) -> how many of the wanted tensors it holds
    for key in tensors:
        prefix, _, last = key.rpartition(".")
        if last in net.params:
            counts[prefix] = counts.get(prefix, 0) + 1

    def under(prefix: str, k: str) -> str:
        return f"{prefix}.{k}" if prefix else k

    complete = sorted(p for p, n in counts.items() if n == len(want))  # "" (plain names) first
    if complete:
        return {k: under(complete[0], k) for k in want}
    what = _describe_net(net)
    if not counts:
        k = want[0]
        raise RnnvizError(f"weights do not fit {what}: none of the file's {len(tensors)} tensors is named like "
                          f"an nn.RNN/LSTM/GRU parameter (expected {k!r} of shape {tuple(net.params[k].shape)}, "
                          "with or without a module prefix)")
    best = max(sorted(counts), key=lambda p: counts[p])  # the most tensors; ties: the first name
    k = next(k for k in want if under(best, k) not in tensors)
    raise RnnvizError(f"weights do not fit {what}: the file has no {under(best, k)!r} (expected shape "
                      f"{tuple(net.params[k].shape)}); it has {counts[best]} of the network's {len(want)} "
                      f"tensors ({len(tensors)} tensors in all)")


def _describe_net(net) -> str:
    layers = f"{net.num_layers} layer{'s' if net.num_layers > 1 else ''}"
    return (f"this {net.cell} network ({layers} of {', '.join(map(str, net.hidden_sizes))} units"
            f"{', bidirectional' if net.bidirectional else ''})")


def load_recurrent_weights(tensors: dict[str, np.ndarray], net) -> int:
    """Copy ``nn.RNN/LSTM/GRU`` weights found in ``tensors`` (see :func:`recurrent_names_in`)
    into ``net``, all or nothing, with strict shapes; returns the number of tensors read.
    Every message names a tensor as ``tensors`` does (its module prefix included)."""
    names = recurrent_names_in(tensors, net)
    try:
        net.load_state_dict({k: tensors[key] for k, key in names.items()}, names)
    except RnnvizError as exc:
        raise RnnvizError(f"weights do not fit {_describe_net(net)}: {exc}") from None
    return len(names)


def import_recurrent_weights(path, net) -> None:
    """Load ``nn.RNN/LSTM/GRU`` weights from a ``.safetensors`` file into ``net`` (strict shapes)."""
    tensors = load_safetensors(path)
    try:
        load_recurrent_weights(tensors, net)
    except RnnvizError as exc:
        raise RnnvizError(f"{path}: {exc}") from None


def export_weights(model, path) -> None:
    """Write a model's (or a Recurrent's) weights as PyTorch-compatible ``.safetensors``."""
    params = model.params
    save_safetensors(path, params, metadata={"format": "rnnviz-weights", "config": json.dumps(
        model.to_config() if hasattr(model, "to_config") else model.config())})
