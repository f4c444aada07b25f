import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { siteProfile, type GraphQLContext } from '../context';
import { CaptureStatusType, toCaptureStatusType } from '../types/capture-status.type';

// Captures run tcpdump on the server's own interfaces: admin keys only. Each site sees and stops only its own captures.
@Resolver()
export class CaptureResolver {
  @Authorized('admin')
  @Mutation(() => CaptureStatusType, {
    description:
      'Starts capturing on a server interface (tcpdump) and scores the packets or flows with the profile, live; ' +
      'anomalies are stored and published like any other. Errors: CAPTURE_INTERFACE_NOT_FOUND, CAPTURE_PERMISSION_DENIED, ' +
      'CAPTURE_TOOL_MISSING, CAPTURE_ALREADY_RUNNING, NO_ACTIVE_MODEL, BAD_USER_INPUT (bad filter, tabular profile).',
  })
  async startCapture(
    @Arg('interface', () => String) iface: string,
    @Arg('profile', () => String) profile: string,
    @Arg('bpf', () => String, { nullable: true, description: 'A BPF filter, e.g. "not port 22".' }) bpf: string | null | undefined,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CaptureStatusType> {
    return toCaptureStatusType(await ctx.services.captures.start({ interface: iface, profile: siteProfile(ctx, profile), bpf: bpf ?? undefined }));
  }

  @Authorized('admin')
  @Mutation(() => CaptureStatusType, { description: "Stops the interface's capture after scoring what it captured; CAPTURE_NOT_RUNNING if none runs." })
  async stopCapture(@Arg('interface', () => String) iface: string, @Ctx() { services, auth }: GraphQLContext): Promise<CaptureStatusType> {
    return toCaptureStatusType(await services.captures.stop(iface, auth.siteName));
  }

  @Authorized('read')
  @Query(() => [CaptureStatusType], { description: "The current or last capture of every interface (or of the one named) that scores into the caller's site." })
  captureStatus(
    @Ctx() { services, auth }: GraphQLContext,
    @Arg('interface', () => String, { nullable: true }) iface?: string | null,
  ): CaptureStatusType[] {
    return services.captures.status(iface ?? undefined, auth.siteName).map(toCaptureStatusType);
  }
}
