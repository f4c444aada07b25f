import { TcpFlag } from './tcp-flags';

// Used per packet: copied out of the imported object once (see bytes.ts).
const { FIN, SYN, RST, ACK } = TcpFlag;

/**
 * Zeek's TCP connection model, reduced to what conn.log reports: per-endpoint
 * states, the `history` letters and sequence-number based payload sizes. The
 * rules follow Zeek's TCPSessionAdapter / TCP_Endpoint so that conn_state and
 * history read the same as in Zeek logs. Not modelled: role flipping ('^'),
 * checksums ('C'), content gaps ('G').
 */
export const EndpointState = {
  INACTIVE: 0,
  SYN_SENT: 1,
  SYN_ACK_SENT: 2,
  PARTIAL: 3,
  ESTABLISHED: 4,
  CLOSED: 5,
  RESET: 6,
} as const;
export type EndpointState = (typeof EndpointState)[keyof typeof EndpointState];

const { INACTIVE, SYN_SENT, SYN_ACK_SENT, PARTIAL, ESTABLISHED, CLOSED, RESET } = EndpointState;

/** SYN or RST sequence jumps beyond this are garbage, not progress (Zeek's TOO_LARGE_SEQ_DELTA). */
const TOO_LARGE_SEQ_DELTA = 1_048_576;

/** History letters recorded once per direction; the responder's bits sit 16 higher. */
const Seen = { SYN: 0x1, FIN: 0x2, RST: 0x4, FIN_RST: 0x8, DATA: 0x10, ACK: 0x20, MULTI_FLAG: 0x40 } as const;

const RSTOS0_HISTORY = /^\^?S[^HAFGIQ]*R/;

export class TcpEndpoint {
  state: EndpointState = INACTIVE;
  prevState: EndpointState = INACTIVE;
  /** Sequence number relative offsets count from: the ISN, or one before the first byte seen. */
  base = 0;
  /** Highest relative sequence number one past a segment, unwrapped past 2^32. */
  lastRel = 0;
  /** Highest relative ack the peer sent for this endpoint's data. */
  ackRel = 0;
  finCount = 0;
  lastSynRel = 0;
  lastFinRel = 0;
  lastRstRel = 0;
  retransmits = 0;
  retransmitThreshold = 1;
  zeroWindows = 0;
  zeroWindowThreshold = 1;

  setState(state: EndpointState): void {
    if (state === this.state) return;
    this.prevState = this.state;
    this.state = state;
  }

  /** Restarts relative numbering at `seq`, which covers `segmentLength` sequence numbers. */
  initSequence(seq: number, segmentLength: number): void {
    // Signed, like the decoder's numbers: equal modulo 2^32 is equal.
    this.base = seq | 0;
    this.ackRel = 0;
    this.lastRel = segmentLength;
  }

  /** Position of `seq` relative to `base`, choosing the 2^32 wrap nearest to `near`. */
  relative(seq: number, near: number): number {
    const rel32 = (seq - this.base) >>> 0;
    return near + ((rel32 - near) | 0);
  }

  /** Payload bytes sent, as Zeek's orig_bytes / resp_bytes: sequence space minus the SYN and FIN octets. */
  size(peer: TcpEndpoint): number {
    // A half-open connection aborted by RST: its sequence numbers say nothing about data.
    if (this.prevState === SYN_SENT && this.state === RESET && peer.state === INACTIVE) return 0;
    let size = Math.max(this.lastRel, this.ackRel, 0);
    if (size > 0) size--;
    if (this.finCount > 0 && size > 0) size--;
    return size;
  }
}

export class TcpConnection {
  readonly orig = new TcpEndpoint();
  readonly resp = new TcpEndpoint();
  history = '';
  private seen = 0;

  /** Applies one segment; `isOrig` tells its direction. */
  update(isOrig: boolean, flags: number, seq: number, ack: number, window: number, payloadLength: number): void {
    const endpoint = isOrig ? this.orig : this.resp;
    const peer = isOrig ? this.resp : this.orig;
    const rst = (flags & RST) !== 0;
    const segmentLength = payloadLength + (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0) - (rst ? payloadLength : 0);
    initEndpoint(endpoint, flags, seq, segmentLength);
    this.updateHistory(isOrig, endpoint, flags, endpoint.relative(seq, endpoint.lastRel), payloadLength);
    if (window === 0 && !rst && peer.state !== CLOSED && endpoint.state !== RESET) this.zeroWindow(isOrig, endpoint);
    if (flags & ACK) acknowledge(peer, flags, ack);
    this.updateLastSeq(isOrig, endpoint, seq + segmentLength, flags, payloadLength);
    if (flags & FIN) endpoint.finCount++;
    updateStateMachine(isOrig, endpoint, peer, flags, payloadLength);
  }

  /** Both sides closed, or one reset, or one closed while the other never spoke: nothing more to wait for. */
  get finished(): boolean {
    const o = this.orig.state;
    const r = this.resp.state;
    if (o === RESET || r === RESET) return true;
    return (o === CLOSED || r === CLOSED) && (o === CLOSED || o === INACTIVE) && (r === CLOSED || r === INACTIVE);
  }

  /** A SYN nobody answered yet: Zeek gives up on these after tcp_attempt_delay. */
  get attempt(): boolean {
    return (this.orig.state === SYN_SENT || this.orig.state === SYN_ACK_SENT) && this.resp.state === INACTIVE;
  }

  bytes(isOrig: boolean): number {
    return isOrig ? this.orig.size(this.resp) : this.resp.size(this.orig);
  }

  /** Zeek's conn_state for TCP (base/protocols/conn/main.zeek). */
  connState(): string {
    const os = this.orig.state;
    const rs = this.resp.state;
    const origInactive = os === INACTIVE || os === PARTIAL;
    const respInactive = rs === INACTIVE || rs === PARTIAL;
    if (rs === RESET) {
      if (os === SYN_SENT || os === SYN_ACK_SENT || (os === RESET && this.bytes(true) === 0 && this.bytes(false) === 0)) {
        return 'REJ';
      }
      return origInactive ? 'RSTRH' : 'RSTR';
    }
    if (os === RESET) {
      if (!respInactive) return 'RSTO';
      return RSTOS0_HISTORY.test(this.history) ? 'RSTOS0' : 'OTH';
    }
    if (os === CLOSED && rs === CLOSED) return 'SF';
    if (os === CLOSED) return respInactive ? 'SH' : 'S2';
    if (rs === CLOSED) return origInactive ? 'SHR' : 'S3';
    if (os === SYN_SENT && rs === INACTIVE) return 'S0';
    if (os === ESTABLISHED && rs === ESTABLISHED) return 'S1';
    return 'OTH';
  }

  private updateHistory(isOrig: boolean, endpoint: TcpEndpoint, flags: number, relSeq: number, payloadLength: number): void {
    const syn = (flags & SYN) !== 0;
    const fin = (flags & FIN) !== 0;
    const rst = (flags & RST) !== 0;
    const controlFlags = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
    if (controlFlags > 1) {
      if (fin && rst) this.check(isOrig, Seen.FIN_RST, 'I');
      else this.check(isOrig, Seen.MULTI_FLAG, 'Q');
    } else if (syn) {
      const code = flags & ACK ? 'H' : 'S';
      // SYN, FIN and RST repeat in the history only when their sequence number moved.
      if (this.check(isOrig, Seen.SYN, code) && relSeq !== endpoint.lastSynRel) this.add(isOrig, code);
      endpoint.lastSynRel = relSeq;
    } else if (fin) {
      if (this.check(isOrig, Seen.FIN, 'F') && relSeq + payloadLength !== endpoint.lastFinRel) this.add(isOrig, 'F');
      endpoint.lastFinRel = relSeq + payloadLength;
    } else if (rst) {
      if (this.check(isOrig, Seen.RST, 'R') && relSeq !== endpoint.lastRstRel) this.add(isOrig, 'R');
      endpoint.lastRstRel = relSeq;
    } else if (payloadLength > 0) {
      this.check(isOrig, Seen.DATA, 'D');
    } else if (flags & ACK) {
      this.check(isOrig, Seen.ACK, 'A');
    }
  }

  private updateLastSeq(isOrig: boolean, endpoint: TcpEndpoint, onePast: number, flags: number, payloadLength: number): void {
    const rel = endpoint.relative(onePast, endpoint.lastRel);
    const delta = rel - endpoint.lastRel;
    if (flags & (SYN | RST) && Math.abs(delta) > TOO_LARGE_SEQ_DELTA) return;
    // A FIN right after the SYN may follow more than 2 GiB of unseen data: trust it even if it looks backwards.
    if (flags & FIN && endpoint.lastRel === 1) endpoint.lastRel = rel;
    else if (endpoint.state === RESET) return;
    else if (delta > 0) endpoint.lastRel = rel;
    else if (payloadLength > 0) this.retransmit(isOrig, endpoint);
  }

  private retransmit(isOrig: boolean, endpoint: TcpEndpoint): void {
    if (++endpoint.retransmits !== endpoint.retransmitThreshold) return;
    endpoint.retransmitThreshold *= 10;
    this.add(isOrig, 'T');
  }

  private zeroWindow(isOrig: boolean, endpoint: TcpEndpoint): void {
    if (++endpoint.zeroWindows !== endpoint.zeroWindowThreshold) return;
    endpoint.zeroWindowThreshold *= 10;
    this.add(isOrig, 'W');
  }

  /** Records `code` the first time; true when it had been seen already (Zeek's CheckHistory). */
  private check(isOrig: boolean, bit: number, code: string): boolean {
    const mask = isOrig ? bit : bit << 16;
    if (this.seen & mask) return true;
    this.seen |= mask;
    this.add(isOrig, code);
    return false;
  }

  private add(isOrig: boolean, code: string): void {
    this.history += isOrig ? code : code.toLowerCase();
  }
}

/** Sets up relative sequence numbering when an endpoint (re)starts (Zeek's init_endpoint). */
function initEndpoint(endpoint: TcpEndpoint, flags: number, seq: number, segmentLength: number): void {
  const syn = (flags & SYN) !== 0;
  switch (endpoint.state) {
    case INACTIVE:
      // Without a SYN, number as if one preceded the first byte seen.
      if (syn) endpoint.initSequence(seq, segmentLength);
      else endpoint.initSequence(seq - 1, 1);
      return;
    case SYN_SENT:
    case SYN_ACK_SENT:
      if (syn && (seq | 0) !== endpoint.base) endpoint.initSequence(seq, segmentLength);
      return;
    case ESTABLISHED:
    case PARTIAL:
      if (syn) endpoint.initSequence(seq, segmentLength);
      return;
    case RESET:
      if (syn && endpoint.prevState === INACTIVE) endpoint.initSequence(seq, segmentLength);
      return;
    default:
      return;
  }
}

/** Tracks how far the peer's data was acknowledged (Zeek's init_peer / update_ack_seq). */
function acknowledge(peer: TcpEndpoint, flags: number, ack: number): void {
  if (peer.state === INACTIVE) {
    peer.initSequence(ack - 1, 0);
    return;
  }
  if (flags & RST) return; // acks in RSTs are not trusted
  const rel = peer.relative(ack, peer.ackRel);
  if (ack === 0 && rel - peer.ackRel > TOO_LARGE_SEQ_DELTA) return;
  if (rel > peer.ackRel) peer.ackRel = rel;
}

function updateStateMachine(
  isOrig: boolean, endpoint: TcpEndpoint, peer: TcpEndpoint, flags: number, payloadLength: number,
): void {
  switch (endpoint.state) {
    case INACTIVE:
      return updateInactive(isOrig, endpoint, peer, flags, payloadLength);
    case SYN_SENT:
    case SYN_ACK_SENT:
      if (flags & FIN) endpoint.setState(CLOSED);
      if (flags & RST) endpoint.setState(RESET);
      return;
    case ESTABLISHED:
    case PARTIAL:
      return updateEstablished(endpoint, peer, flags);
    case CLOSED:
      if (flags & RST && peer.state !== CLOSED) endpoint.setState(RESET);
      return;
    default:
      return;
  }
}

function updateInactive(
  isOrig: boolean, endpoint: TcpEndpoint, peer: TcpEndpoint, flags: number, payloadLength: number,
): void {
  const ack = (flags & ACK) !== 0;
  if (flags & SYN) {
    if (isOrig) {
      endpoint.setState(ack ? SYN_ACK_SENT : SYN_SENT);
    } else {
      if (peer.state === SYN_SENT) peer.setState(ESTABLISHED);
      endpoint.setState(ESTABLISHED);
    }
  }
  if (flags & FIN) endpoint.setState(CLOSED);
  if (flags & RST) endpoint.setState(RESET);
  if (endpoint.state !== INACTIVE) return;
  // Some stacks ack a SYN before answering it: that ack alone does not make the responder partial.
  if (!isOrig && payloadLength === 0 && peer.state === SYN_SENT) return;
  // A pure ack after the peer's SYN-ACK: the SYN was missed, the connection is established.
  endpoint.setState(ack && peer.state === ESTABLISHED ? ESTABLISHED : PARTIAL);
}

function updateEstablished(endpoint: TcpEndpoint, peer: TcpEndpoint, flags: number): void {
  if (flags & SYN && endpoint.state === PARTIAL && peer.state === INACTIVE && !(flags & ACK)) {
    endpoint.setState(SYN_SENT);
  }
  if (flags & FIN && !(flags & RST)) {
    endpoint.setState(CLOSED);
    // A FIN then RST from the peer was a normal close after all.
    if (peer.state === RESET && peer.prevState === CLOSED) peer.setState(CLOSED);
  }
  if (flags & RST) endpoint.setState(RESET);
}
