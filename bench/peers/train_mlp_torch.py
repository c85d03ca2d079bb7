"""PyTorch CPU peer of the tfjs trainer benchmark (bench/train-throughput.ts).

Trains the same MLP (same input width, hidden widths, activation, dropout, batch size, Adam and
learning rate, sigmoid + binary cross-entropy) on the same encoded rows the tfjs trainer sees,
written by the benchmark as raw little-endian float32 files. Each epoch reshuffles with a seeded
permutation and runs the same batch loop the tfjs trainer runs; prints one JSON object with the
samples/s of every epoch.

Usage: python3 train_mlp_torch.py --x X.f32 --y Y.f32 --rows N --width D --hidden 64,32
       --batch 256 --epochs 3 --lr 0.001 --dropout 0.1 --threads 1
"""

import argparse
import json
import time

import numpy as np
import torch


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--x", required=True)
    parser.add_argument("--y", required=True)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--width", type=int, required=True)
    parser.add_argument("--hidden", default="64,32")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=0.001)
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    x = torch.from_numpy(np.fromfile(args.x, dtype="<f4").reshape(args.rows, args.width))
    y = torch.from_numpy(np.fromfile(args.y, dtype="<f4").reshape(args.rows, 1))

    layers: list[torch.nn.Module] = []
    width = args.width
    for units in [int(h) for h in args.hidden.split(",") if h]:
        layers += [torch.nn.Linear(width, units), torch.nn.ReLU()]
        if args.dropout > 0:
            layers.append(torch.nn.Dropout(args.dropout))
        width = units
    layers += [torch.nn.Linear(width, 1), torch.nn.Sigmoid()]
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.BCELoss()

    epochs = []
    generator = torch.Generator().manual_seed(42)
    for epoch in range(args.epochs):
        model.train()
        start = time.perf_counter()
        perm = torch.randperm(args.rows, generator=generator)
        xs, ys = x[perm], y[perm]
        total = 0.0
        for i in range(0, args.rows, args.batch):
            xb, yb = xs[i : i + args.batch], ys[i : i + args.batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * xb.shape[0]
        seconds = time.perf_counter() - start
        epochs.append(
            {"epoch": epoch + 1, "loss": total / args.rows, "seconds": seconds, "samples_per_sec": args.rows / seconds}
        )
    print(
        json.dumps(
            {"torch": torch.__version__, "threads": torch.get_num_threads(), "epochs": epochs},
        )
    )


if __name__ == "__main__":
    main()
