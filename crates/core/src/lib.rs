pub mod model;
pub mod read;
pub mod normalize;
