# Sends a scenario's flows (guest), each in two phases, and after each phase reads the router's
# conntrack table and ruleset counters. One process for every namespace: a socket belongs to the
# namespace it was created in, so the thread switches (setns) only to create sockets and to read.
#   python3 traffic.py DIR    reads DIR/flows.json, writes DIR/observed.json
import ctypes, json, os, socket, struct, subprocess, sys, threading, time

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL('libc.so.6', use_errno=True)
HOME = os.open('/proc/self/ns/net', os.O_RDONLY)
PAYLOAD = b'x' * 100


def enter(ns):
    fd = HOME if ns is None else os.open('/run/netns/' + ns, os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), 'setns ' + str(ns))
    if fd != HOME:
        os.close(fd)


def in_ns(ns, make):
    enter(ns)
    try:
        return make()
    finally:
        enter(None)


def snapshot(router, last):
    enter(router)
    try:
        with open('/proc/thread-self/net/nf_conntrack') as f:
            conntrack = f.read()
        ruleset = subprocess.run(['nft', '-j', 'list', 'ruleset'], capture_output=True, text=True).stdout
        # conntrack -L also names a connection's helper, which /proc/net/nf_conntrack does not
        listing = subprocess.run(['conntrack', '-L'], capture_output=True, text=True).stdout if last else None
    finally:
        enter(None)
    return {'conntrack': conntrack, 'ruleset': json.loads(ruleset), 'listing': listing}


def checksum(data):
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff


class Receiver(threading.Thread):
    """The server side of one flow: counts what arrives (UDP: with each datagram's TOS), echoes TCP."""

    def __init__(self, flow):
        super().__init__(daemon=True)
        self.flow, self.received, self.tos, self.stop = flow, 0, [], threading.Event()
        proto = flow['proto']
        def make():
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if proto == 'tcp' else socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if proto == 'udp':
                s.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1)
            s.bind(('0.0.0.0', flow['serverPort']))
            if proto == 'tcp':
                s.listen(1)
            return s
        self.sock = in_ns(flow['server'], make)

    def run(self):
        if self.flow['proto'] == 'tcp':
            conn, _ = self.sock.accept()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                self.received += len(data)
                conn.sendall(data)
            conn.close()
        else:
            self.sock.settimeout(0.2)
            while not self.stop.is_set():
                try:
                    data, anc, _, _ = self.sock.recvmsg(65536, socket.CMSG_SPACE(1))
                except socket.timeout:
                    continue
                self.received += 1
                for level, kind, value in anc:
                    if level == socket.IPPROTO_IP and kind == socket.IP_TOS:
                        self.tos.append(value[0])


def run_flow(flow, router):
    proto, receiver, started = flow['proto'], None, time.monotonic()
    if proto != 'icmp':
        receiver = Receiver(flow)
        receiver.start()
    def make():
        if proto == 'icmp':
            return socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if proto == 'tcp' else socket.SOCK_DGRAM)
        if proto == 'tcp':
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            s.settimeout(10)
            s.connect((flow['connect'], flow['port']))
        # UDP: unconnected, so that an ICMP error for one datagram does not fail the next send
        return s
    sock = in_ns(flow['client'], make)
    sent, snaps, seq = [], [], 0
    for phase in range(2):
        for _ in range(flow['packets']):
            seq += 1
            if proto == 'icmp':
                header = struct.pack('!BBHHH', 8, 0, 0, 0x4242, seq)
                packet = struct.pack('!BBHHH', 8, 0, checksum(header + PAYLOAD), 0x4242, seq) + PAYLOAD
                sock.sendto(packet, (flow['connect'], 0))
            elif proto == 'udp':
                sock.sendto(PAYLOAD, (flow['connect'], flow['port']))
            else:
                sock.send(PAYLOAD)
                sock.recv(65536)
            time.sleep(0.01)
        # let the last packets and their replies pass before reading the counters
        time.sleep(0.3)
        sent.append(seq)
        snaps.append(snapshot(router, phase == 1))
    sock.close()
    if receiver:
        receiver.stop.set()
        receiver.join(5)
        receiver.sock.close()
    return {'sent': sent, 'received': receiver.received if receiver else None,
            'tos': receiver.tos if receiver else None, 'snapshots': snaps, 'seconds': time.monotonic() - started}


def main(directory):
    with open(os.path.join(directory, 'flows.json')) as f:
        plan = json.load(f)
    observed = {}
    for flow in plan['flows']:
        try:
            observed[flow['name']] = run_flow(flow, plan['router'])
        except Exception as e:
            observed[flow['name']] = {'error': repr(e)}
    with open(os.path.join(directory, 'observed.json'), 'w') as f:
        json.dump(observed, f)


main(sys.argv[1])
