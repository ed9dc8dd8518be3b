//! Compiles our protos with protox (pure Rust), so building needs no system `protoc`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protos = [
        "proto/tfplugin6.proto",
        "proto/plugin/grpc_controller.proto",
        "proto/plugin/grpc_stdio.proto",
        "proto/plugin/grpc_broker.proto",
    ];
    for proto in protos {
        println!("cargo:rerun-if-changed={proto}");
    }
    let descriptors = protox::compile(protos, ["proto"])?;
    tonic_prost_build::configure()
        // Tests and benchmarks dial the provider like Terraform does.
        .build_client(true)
        .build_server(true)
        // RPCs we do not implement answer UNIMPLEMENTED, which Terraform tolerates for
        // everything we don't declare (identity, list resources, state stores, actions, …).
        .generate_default_stubs(true)
        // The library enables only tonic's server; tests build channels themselves.
        .build_transport(false)
        .compile_fds(descriptors)?;
    Ok(())
}
