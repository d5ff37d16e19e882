// npm rtpengine-client 0.4.12 ships no typings; ng-library.ts gives it its real shape.
declare module 'rtpengine-client' {
  const mod: unknown;
  export default mod;
}
