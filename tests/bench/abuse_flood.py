#!/usr/bin/env python3
"""A flood of hostile requests against a MiniTwit on loopback, until SIGTERM or --seconds.

  abuse_flood.py HOST PORT [--slow N] [--oversized N] [--big-reads N] [--long-tweets N] [--seconds S]

- slow: N connections that send a request one header byte a second (slowloris); each
  reopens when the server closes it.
- oversized: N loops posting 2 MiB bodies (the app answers 413 after its body limit).
- big-reads: N loops asking GET /msgs?no=100000 (the app caps the rows).
- long-tweets: N loops posting tweets of 64 KiB - 1 (over the message limit: 413).
Prints one JSON line of counts at the end: connections opened, answers by status, errors.
"""
import argparse
import asyncio
import collections
import json
import signal

AUTH = "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh"
counts = collections.Counter()


async def exchange(host, port, head, body=b""):
    reader, writer = await asyncio.open_connection(host, port)
    counts["connections"] += 1
    try:
        writer.write(head)
        # Send the body in pieces: a server that answers early closes while we write.
        for i in range(0, len(body), 65536):
            writer.write(body[i:i + 65536])
            await writer.drain()
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 30)
        parts = status_line.split()
        counts["status_" + (parts[1].decode() if len(parts) > 1 else "none")] += 1
    finally:
        writer.close()


async def loop_requests(host, port, make):
    while True:
        head, body = make()
        try:
            await exchange(host, port, head, body)
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
            counts["errors"] += 1
            await asyncio.sleep(0.05)  # the server closed early; pace the retry


async def slow_connection(host, port):
    request = b"GET /public HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 4000 + b"\r\n\r\n"
    while True:
        try:
            reader, writer = await asyncio.open_connection(host, port)
            counts["connections"] += 1
            for byte in request:
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(1)  # the attack itself: one byte a second
        except (OSError, asyncio.TimeoutError):
            counts["slow_closed_by_server"] += 1
            await asyncio.sleep(0.1)


def post(path, body):
    head = (f"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {AUTH}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    return head, body


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("--slow", type=int, default=200)
    parser.add_argument("--oversized", type=int, default=4)
    parser.add_argument("--big-reads", type=int, default=4)
    parser.add_argument("--long-tweets", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=3600)
    args = parser.parse_args()

    oversized = b'{"content":"' + b"x" * (2 << 20) + b'"}'
    long_tweet = json.dumps({"content": "y" * 65000}).encode()
    big_read = (f"GET /msgs?no=100000 HTTP/1.1\r\nHost: x\r\nAuthorization: {AUTH}\r\n"
                "Connection: close\r\n\r\n").encode()
    tasks = [asyncio.create_task(slow_connection(args.host, args.port)) for _ in range(args.slow)]
    tasks += [asyncio.create_task(loop_requests(args.host, args.port, lambda: post("/msgs/flood", oversized)))
              for _ in range(args.oversized)]
    tasks += [asyncio.create_task(loop_requests(args.host, args.port, lambda: (big_read, b"")))
              for _ in range(args.big_reads)]
    tasks += [asyncio.create_task(loop_requests(args.host, args.port, lambda: post("/msgs/flood", long_tweet)))
              for _ in range(args.long_tweets)]
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), args.seconds)
    except asyncio.TimeoutError:
        pass
    for task in tasks:
        task.cancel()
    print(json.dumps(dict(counts)), flush=True)


asyncio.run(main())
