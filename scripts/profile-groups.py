#!/usr/bin/env python3
"""Where the server's time goes, from a dotnet-trace speedscope file (dotnet-sampled-thread-time).

usage: profile-groups.py TRACE.speedscope.json [--top N]

The sample profiler ends every stack in CPU_TIME (managed code running) or UNMANAGED_CODE_TIME
(in native code: a syscall, the GC, OpenSSL, or a blocked wait). A native sample counts as busy
unless the frame above it is a wait (Monitor.Wait, WaitHandle, semaphores, epoll, Sleep ...).
Busy time is put in the group of the innermost frame (nearest the leaf) that matches a group,
so Npgsql under EF Core counts as Npgsql and XmlSerializer under the SOAP dispatcher as dispatch.
Prints busy ms and % per group (all busy samples, and the managed-code ones alone, which are
certainly CPU), then the top frames by exclusive and inclusive busy time.
"""
import json
import re
import sys
from collections import Counter

# (group, regex on the frame name). Tier 1 is searched first from the leaf towards the root, then
# tier 2; library frames matching no group (System.Private.Xml, System.Text ...) belong to the
# nearest caller that does, so XML schema validation under the guard counts as the guard.
GROUPS = [
    ("GC", r"^(GC|gc_heap|WKS::|SVR::)|GarbageCollect|GCHeap|PollGC"),
    ("password / crypto", r"Rfc2898|Pbkdf2|PasswordHasher|System\.Security\.Cryptography|Argon|Interop\+Crypto"),
    ("SOAP guard body validation", r"^ipsapi!IpsApi\.Server\.Soap\.(SoapGuard|SoapBodyValidator|SoapRequestReader|BoundedXmlReader|RequestBodyReader|SoapRequest|RequestSchemas|XmlReaderExtensions|SoapEnvelope)"),
    ("SOAP dispatch (binding the operation element, writing the reply)", r"^ipsapi!IpsApi\.Server\.Soap\.(SoapDispatcher|IpsApiSoapService|SoapFaultWriter)|Microsoft\.GeneratedCode|XmlSerializer"),
    ("backlog estimate", r"BacklogEstimat"),
    ("Npgsql / commit wait", r"^Npgsql!"),
    ("EF Core change tracking / SaveChanges / commands", r"^Microsoft\.EntityFrameworkCore|^Npgsql\.EntityFrameworkCore"),
    ("response compression", r"ResponseCompression|System\.IO\.Compression|BrotliEncoder"),
    ("request logging (Serilog) / logging", r"^Serilog|^Microsoft\.Extensions\.Logging"),
    ("authentication", r"^ipsapi!IpsApi\.Server\.Authentication|Microsoft\.AspNetCore\.Authentication|Microsoft\.AspNetCore\.Authorization"),
    ("metrics (OpenTelemetry)", r"^OpenTelemetry|System\.Diagnostics\.Metrics"),
    ("IpsApi core rules", r"^IpsApi\.Core!"),
    ("IpsApi server (other)", r"^ipsapi!"),
    ("Kestrel / ASP.NET Core / sockets", r"Kestrel|^Microsoft\.AspNetCore|^System\.Net\.Sockets|^System\.IO\.Pipelines"),
]
TIER2 = [
    ("thread pool / async machinery", r"System\.Threading|System\.Runtime\.CompilerServices"),
]
GROUP_RE = [(name, re.compile(rx)) for name, rx in GROUPS]
TIER2_RE = [(name, re.compile(rx)) for name, rx in TIER2]
# work the profiling session causes in the server: EventSources building their manifests when a
# session enables them, the counters' polling; kept apart so it is not charged to the accept path
TRACING_RE = re.compile(
    r"EventPipeEventProvider|EventSource\.SendCommand|EventSource\.DoCommand|CounterGroup|"
    r"MetricsEventSource|RuntimeEventSource|EventSource\.CreateManifestAndDescriptors"
)
# loops that sit in a native wait (epoll, the finalizer's event) between bits of work; the sampler
# often reports them as running managed code, so they count as waiting whatever the leaf says
IDLE_LOOP_RE = re.compile(r"SocketAsyncEngine\.EventLoop\(\)$|System\.GC\.RunFinalizers\(\)$|TimerQueue\.TimerThread")
WAIT_RE = re.compile(
    r"Monitor\.Wait|WaitHandle\.Wait|WaitOneNoCheck|WaitForSignal|WaitNative|LowLevelLifoSemaphore|"
    r"ManualResetEventSlim\.Wait|SemaphoreSlim\.Wait|Thread\.Sleep|SocketAsyncEngine\.EventLoop|"
    r"Interop\+Sys\.WaitForSocketEvents|Interop\+Sys\.Read\(|FileSystemWatcher|Interop\+Sys\.Poll|"
    r"Console|LowLevelMonitor|WaitSubsystem|Interop\+Sys\.LowLevelMonitor|SpinWait"
)


def busy_stacks(doc):
    """Yields (stack as list of frame names root..leaf, ms) for every interval of every thread."""
    frames = [f["name"] for f in doc["shared"]["frames"]]
    for profile in doc["profiles"]:
        stack, last = [], None
        for ev in profile.get("events", []):
            at = ev["at"]
            if last is not None and stack and at > last:
                yield [frames[i] for i in stack], at - last
            last = at
            if ev["type"] == "O":
                stack.append(ev["frame"])
            else:
                if stack and stack[-1] == ev["frame"]:
                    stack.pop()
                elif ev["frame"] in stack:
                    del stack[len(stack) - 1 - stack[::-1].index(ev["frame"]):]


def classify(names):
    leaf = names[-1]
    body = names[:-1] if leaf in ("CPU_TIME", "UNMANAGED_CODE_TIME") else names
    resolved = [name for name in body if name != "?!?"]
    if resolved and IDLE_LOOP_RE.search(resolved[-1]):
        return None, body
    if leaf == "UNMANAGED_CODE_TIME" and resolved and WAIT_RE.search(resolved[-1]):
        return None, body
    if any(TRACING_RE.search(name) for name in body):
        return "tracing session itself (EventSource enable, counters)", body
    for tier in (GROUP_RE, TIER2_RE):
        for name in reversed(body):
            for group, rx in tier:
                if rx.search(name):
                    return group, body
    return "other (unresolved native / runtime)", body


def main() -> None:
    path = sys.argv[1]
    top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 25
    doc = json.load(open(path))
    groups, managed, exclusive, inclusive = Counter(), Counter(), Counter(), Counter()
    idle = native_busy = 0.0
    for names, ms in busy_stacks(doc):
        group, body = classify(names)
        if group is None:
            idle += ms
            continue
        if names[-1] == "UNMANAGED_CODE_TIME":
            native_busy += ms
        else:
            managed[group] += ms
        groups[group] += ms
        if body:
            exclusive[body[-1]] += ms
            for name in set(body):
                inclusive[name] += ms
    total = sum(groups.values()) or 1.0
    managed_total = sum(managed.values()) or 1.0
    print(f"# {path}")
    print(f"busy {total:,.0f} ms sampled ({native_busy:,.0f} ms of it in native code), waiting {idle:,.0f} ms")
    print("| group | busy ms | % of busy | managed-code ms | % of managed |")
    print("|---|---:|---:|---:|---:|")
    for group, ms in groups.most_common():
        print(f"| {group} | {ms:,.0f} | {100 * ms / total:.1f} | {managed[group]:,.0f} | {100 * managed[group] / managed_total:.1f} |")
    print(f"\ntop {top} frames by exclusive busy time")
    for name, ms in exclusive.most_common(top):
        print(f"  {100 * ms / total:5.1f} %  {name[:160]}")
    print(f"\ntop {top} frames by inclusive busy time")
    for name, ms in inclusive.most_common(top * 2):
        if name.startswith(("Process64", "(Non-Activities)", "Threads", "Thread (")):
            continue
        print(f"  {100 * ms / total:5.1f} %  {name[:160]}")
    print()


if __name__ == "__main__":
    main()
