"""Trains the risk model with PyTorch; run by `modelgate train` in command mode.

modelgate sets MODELGATE_TRAIN_DATA, MODELGATE_EVAL_DATA, MODELGATE_OUTPUT, MODELGATE_SEED and
MODELGATE_LABEL. The script writes predictions.csv (policy_id, claim, score, gender), metrics.json
and model/ into MODELGATE_OUTPUT. It uses CUDA when available.
"""
import csv
import json
import math
import os
import random
import time

import torch

TRAIN = os.environ["MODELGATE_TRAIN_DATA"]
EVAL = os.environ["MODELGATE_EVAL_DATA"]
OUT = os.environ["MODELGATE_OUTPUT"]
SEED = int(os.environ.get("MODELGATE_SEED", "42"))
LABEL = os.environ.get("MODELGATE_LABEL", "claim")
EPOCHS = int(os.environ.get("EPOCHS", "10"))
NUMERIC = ["age", "vehicle_age", "vehicle_value", "annual_mileage", "years_licensed", "prior_claims", "telematics_score"]
CATEGORICAL = ["region", "vehicle_type", "credit_band"]

random.seed(SEED)
torch.manual_seed(SEED)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(f"device: {device}" + (f" ({torch.cuda.get_device_name(0)})" if device.type == "cuda" else ""), flush=True)


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


train_rows, eval_rows = read(TRAIN), read(EVAL)
stats = {}
for c in NUMERIC:
    vals = [float(r[c]) for r in train_rows if r[c] != ""]
    mean = sum(vals) / len(vals)
    sd = math.sqrt(sum((v - mean) ** 2 for v in vals) / len(vals)) or 1.0
    stats[c] = (mean, sd)
vocab = {c: sorted({r[c] for r in train_rows}) for c in CATEGORICAL}


def encode(rows):
    xs = []
    for r in rows:
        x = []
        for c in NUMERIC:
            mean, sd = stats[c]
            missing = r[c] == ""
            x += [0.0 if missing else (float(r[c]) - mean) / sd, 1.0 if missing else 0.0]
        for c in CATEGORICAL:
            x += [1.0 if r[c] == v else 0.0 for v in vocab[c]]
        xs.append(x)
    return torch.tensor(xs, dtype=torch.float32)


x_train, x_eval = encode(train_rows).to(device), encode(eval_rows).to(device)
y_train = torch.tensor([float(r[LABEL]) for r in train_rows]).to(device)
model = torch.nn.Sequential(
    torch.nn.Linear(x_train.shape[1], 32), torch.nn.ReLU(), torch.nn.Dropout(0.1),
    torch.nn.Linear(32, 16), torch.nn.ReLU(), torch.nn.Dropout(0.1), torch.nn.Linear(16, 1),
).to(device)
opt = torch.optim.Adam(model.parameters(), lr=0.003)
loss_fn = torch.nn.BCEWithLogitsLoss()
for epoch in range(EPOCHS):
    start = time.time()
    model.train()
    perm = torch.randperm(len(x_train), device=device)
    total = 0.0
    for i in range(0, len(perm), 256):
        idx = perm[i : i + 256]
        opt.zero_grad()
        loss = loss_fn(model(x_train[idx]).squeeze(1), y_train[idx])
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    print(f"epoch {epoch + 1}/{EPOCHS} loss={total / len(x_train):.4f} {time.time() - start:.2f}s", flush=True)

model.eval()
with torch.no_grad():
    scores = torch.sigmoid(model(x_eval).squeeze(1)).cpu().tolist()
os.makedirs(os.path.join(OUT, "model"), exist_ok=True)
torch.save(model.state_dict(), os.path.join(OUT, "model", "model.pt"))
with open(os.path.join(OUT, "predictions.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["policy_id", "claim", "score", "gender"])
    for r, s in zip(eval_rows, scores):
        w.writerow([r["policy_id"], r[LABEL], f"{s:.8f}", r["gender"]])
with open(os.path.join(OUT, "metrics.json"), "w") as f:
    json.dump({"train_loss": total / len(x_train), "epochs": EPOCHS}, f)
