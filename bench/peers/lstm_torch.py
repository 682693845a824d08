"""PyTorch side of bench/lstm.bench.ts: the same forecaster (LSTM(units) over W steps x C channels,
a linear head), Adam and Huber loss, trained on the windows the bench wrote, one CPU thread.
Prints one JSON line: seconds per epoch and windows predicted per second, by wall clock and by
this process's CPU time.

    /usr/bin/python3 bench/peers/lstm_torch.py DIR   (DIR holds meta.json, xs.f32, ys.f32, predict.f32)
"""
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch


class Forecaster(torch.nn.Module):
    def __init__(self, channels, units):
        super().__init__()
        self.lstm = torch.nn.LSTM(channels, units, batch_first=True)
        self.head = torch.nn.Linear(units, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1, :])


def main(folder):
    meta = json.loads((folder / "meta.json").read_text())
    window, channels, units = meta["window"], meta["channels"], meta["units"]
    xs = torch.from_numpy(np.fromfile(folder / "xs.f32", dtype=np.float32).reshape(-1, window, channels))
    ys = torch.from_numpy(np.fromfile(folder / "ys.f32", dtype=np.float32).reshape(-1, 1))
    predict = torch.from_numpy(np.fromfile(folder / "predict.f32", dtype=np.float32).reshape(-1, window, channels))
    torch.set_num_threads(1)
    torch.manual_seed(1)
    model = Forecaster(channels, units)
    optimizer = torch.optim.Adam(model.parameters(), lr=meta["learningRate"])
    loss_fn = torch.nn.HuberLoss(delta=meta["huberDelta"])
    generator = torch.Generator().manual_seed(1)
    epoch_seconds, epoch_cpu_seconds = [], []
    for _ in range(meta["epochs"]):
        started, started_cpu = time.perf_counter(), time.process_time()
        order = torch.randperm(xs.shape[0], generator=generator)
        for start in range(0, xs.shape[0], meta["batchSize"]):
            batch = order[start:start + meta["batchSize"]]
            optimizer.zero_grad()
            loss = loss_fn(model(xs[batch]), ys[batch])
            loss.backward()
            optimizer.step()
        epoch_seconds.append(time.perf_counter() - started)
        epoch_cpu_seconds.append(time.process_time() - started_cpu)
    model.eval()
    with torch.no_grad():
        model(predict[:meta["predictBatchSize"]])
        started, started_cpu = time.perf_counter(), time.process_time()
        for start in range(0, predict.shape[0], meta["predictBatchSize"]):
            model(predict[start:start + meta["predictBatchSize"]])
        predict_seconds = time.perf_counter() - started
        predict_cpu_seconds = time.process_time() - started_cpu
    print(json.dumps({
        "torch": torch.__version__,
        "epochSeconds": epoch_seconds,
        "epochCpuSeconds": epoch_cpu_seconds,
        "lastLoss": float(loss),
        "predictWindowsPerSecond": predict.shape[0] / predict_seconds,
        "predictWindowsPerCpuSecond": predict.shape[0] / predict_cpu_seconds,
    }))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
