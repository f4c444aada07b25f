export { ATTACK_KINDS, type AttackKind } from './attack.scenarios';
export { injectAttacks, type InjectOptions, type InjectedTraffic } from './attack.injector';
export { DEFAULT_SAMPLE_START, generateHomeNetworkTraffic, type HomeNetworkOptions } from './home-network.generator';
