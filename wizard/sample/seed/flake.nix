{
  description = "GloriousFlywheel runner dashboard";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
    flake-utils.url = "github:numtide/flake-utils";
    nix2container.url = "github:nlewo/nix2container";
  };

  outputs = { self, nixpkgs, flake-utils, nix2container }:
    flake-utils.lib.eachDefaultSystem (system:
      let
        pkgs = import nixpkgs { inherit system; };
        n2c = nix2container.packages.${system}.nix2container;

        runnerDashboard = pkgs.buildNpmPackage {
          pname = "runner-dashboard";
          version = "1.4.2";
          src = ./app;
          npmDepsHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        };

        runnerDashboardImage = n2c.buildImage {
          name = "ghcr.io/tinyland-inc/runner-dashboard";
          tag = "nix";
          copyToRoot = [ runnerDashboard ];
          config.Cmd = [ "${runnerDashboard}/bin/runner-dashboard" ];
        };
      in
      {
        packages.runner-dashboard = runnerDashboard;
        packages.runner-dashboard-image = runnerDashboardImage;
        packages.default = runnerDashboard;

        devShells.default = pkgs.mkShell {
          packages = [ pkgs.nodejs_22 pkgs.opentofu ];
        };
      });
}
