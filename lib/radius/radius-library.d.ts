/** The parts of the `radius` packet library (1.1.x, no bundled types) the portal uses. */
declare module "radius" {
  type AttributeValue = string | number | Buffer | Date;
  interface RadiusPacket {
    code: string;
    identifier: number;
    length: number;
    authenticator: Buffer;
    attributes: Record<string, AttributeValue | AttributeValue[] | Record<string, unknown> | undefined> & { State?: Buffer; "User-Password"?: string };
    raw_attributes: [number, Buffer][];
  }
  interface EncodeArgs {
    code: string;
    identifier?: number;
    authenticator?: Buffer;
    secret: string;
    attributes?: [string | number, AttributeValue][];
    add_message_authenticator?: boolean;
  }
  const radius: {
    decode(args: { packet: Buffer; secret: string }): RadiusPacket;
    encode(args: EncodeArgs): Buffer;
    verify_response(args: { request: Buffer; response: Buffer; secret: string }): boolean;
  };
  namespace radius {
    export type { RadiusPacket };
  }
  export default radius;
}
