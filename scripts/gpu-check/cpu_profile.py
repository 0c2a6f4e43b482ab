"""Summarises V8 .cpuprofile files (node --cpu-prof) of the GPU check's training steps: self time
by package and by function, heaviest first, for the thread that did the work. Where the time of a
webgpu step goes on the CPU side — tfjs's engine, its webgpu backend, Dawn's bindings, queue
submission — is what decides how far a dispatch-bound step is from the GPU's own kernel time.
Usage: python3 cpu_profile.py DIR > cpu-profile.json"""
import collections
import glob
import json
import sys


def package_of(url):
    if 'node_modules/' in url:
        parts = url.split('node_modules/')[-1].split('/')
        return '/'.join(parts[:2]) if parts[0].startswith('@') else parts[0]
    return url.split('/')[-1] or '(native or idle)'


def summarise(path):
    profile = json.load(open(path))
    nodes = {n['id']: n for n in profile['nodes']}
    self_us = collections.Counter()
    for sample, delta in zip(profile['samples'], profile['timeDeltas']):
        self_us[sample] += delta
    by_function = collections.Counter()
    by_package = collections.Counter()
    for node_id, us in self_us.items():
        frame = nodes[node_id]['callFrame']
        name = frame['functionName'] or '(anonymous)'
        package = package_of(frame['url'])
        by_function[f"{name} [{package}:{frame['lineNumber']}]"] += us
        by_package[package] += us
    total = sum(self_us.values())
    idle = by_function.get('(idle) [(native or idle):-1]', 0)
    return {
        'file': path.split('/')[-1],
        'totalMs': round(total / 1000),
        'busyMs': round((total - idle) / 1000),
        'byPackage': [{'package': k, 'ms': round(v / 1000, 1)} for k, v in by_package.most_common(12)],
        'byFunction': [{'function': k, 'ms': round(v / 1000, 1)} for k, v in by_function.most_common(30)],
    }


def main():
    profiles = [summarise(p) for p in glob.glob(f'{sys.argv[1]}/*.cpuprofile')]
    profiles.sort(key=lambda p: -p['busyMs'])
    print(json.dumps({'profiles': profiles}))
    for p in profiles[:1]:
        print(f"cpu profile: {p['busyMs']} ms busy of {p['totalMs']} ms", file=sys.stderr)
        for row in p['byPackage'][:8]:
            print(f"    {row['ms']:9.1f} ms  {row['package']}", file=sys.stderr)
        for row in p['byFunction'][:20]:
            print(f"    {row['ms']:9.1f} ms  {row['function']}", file=sys.stderr)


if __name__ == '__main__':
    main()
