/**
 * Where the other organisations' gateways are: MSP ID → base URL. Read from
 * `--peers Org2MSP=http://127.0.0.1:8082,Org3MSP=...` / COVENANT_PEERS, or set by tests once
 * every gateway listens.
 */
export class PeerDirectory {
  private readonly urls = new Map<string, string>();

  static parse(spec: string | undefined): PeerDirectory {
    const dir = new PeerDirectory();
    for (const part of (spec ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
      const [mspId, url] = part.split('=');
      if (!mspId || !url || !/^https?:\/\//.test(url)) throw new Error(`peers: "${part}" is not MSPID=http(s)://host:port`);
      dir.set(mspId, url);
    }
    return dir;
  }

  set(mspId: string, url: string): void {
    this.urls.set(mspId, url.replace(/\/$/, ''));
  }

  url(mspId: string): string | undefined {
    return this.urls.get(mspId);
  }

  /** The organisations whose gateways are known, sorted. */
  mspIds(): string[] {
    return [...this.urls.keys()].sort();
  }
}
